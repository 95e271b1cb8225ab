/** Checks on the pieces of an entity: ids and URIs, names, datetimes, scopes. */

// A URI as NGSI-LD needs it: a scheme, then no spaces, quotes or angle brackets (RFC 3986 subset).
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const NAME_FORBIDDEN = /[\s<>"'=;()[\]{}\\&?#`|^,]/;
const SCOPE_RE = /^\/(?:[^/#+\s]+(?:\/[^/#+\s]+)*)?$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export const MAX_ID_LENGTH = 1024;
export const MAX_NAME_LENGTH = 512;

/** True when `s` is an absolute URI acceptable as an entity id, datasetId or relationship object. */
export function isUri(s: unknown): s is string {
  return typeof s === 'string' && s.length <= MAX_ID_LENGTH && URI_RE.test(s);
}

/** Reason an attribute/type name is unusable, or null when it is fine. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  // Expanded IRIs are allowed (they contain ':' and '/'), but never the characters that break queries.
  const probe = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(name) ? name.replace(/#/g, '') : name;
  if (NAME_FORBIDDEN.test(probe)) return 'contains a character that is not allowed (spaces, quotes, brackets, = ; & ? # , |)';
  return null;
}

/** Normalises an ISO 8601 date-time to UTC `…Z` with milliseconds, or null when it is not one. */
export function normalizeDateTime(s: unknown): string | null {
  if (typeof s !== 'string' || !DATETIME_RE.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** True when `s` is a scope path such as `/Osaka/Toyono`. */
export function isScope(s: unknown): s is string {
  return typeof s === 'string' && s.length <= MAX_NAME_LENGTH && SCOPE_RE.test(s) && s !== '/';
}

/** True for plain JSON objects (not arrays, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
