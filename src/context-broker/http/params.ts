/** Query-parameter reading for the NGSI-LD routes: unknown or repeated parameters are errors. */
import type { Request } from 'express';
import { ngsiError } from '../errors.js';
import type { Format } from '../model/render.js';

/** Parameters of the specification this broker does not implement yet: 501, never silently ignored. */
const NOT_YET = new Set(['csf', 'datasetId', 'containedBy', 'join', 'joinLevel', 'entityMap', 'splitEntities', 'expandValues', 'collation', 'orderBy']);

/** Returns the query parameters after checking each is allowed on this route and given once. */
export function readParams(req: Request, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!allowed.includes(key) && NOT_YET.has(key)) {
      throw ngsiError('notImplemented', `query parameter "${key}" is not supported by this broker yet`);
    }
    if (!allowed.includes(key)) {
      throw ngsiError('invalidRequest', `unknown query parameter "${key}"; this operation accepts ${allowed.join(', ') || 'none'}`);
    }
    if (typeof value !== 'string') throw ngsiError('badRequestData', `query parameter "${key}" is given more than once`);
    out[key] = value;
  }
  return out;
}

/** Splits a comma-separated list parameter, rejecting empty items. */
export function listParam(value: string | undefined, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw ngsiError('badRequestData', `query parameter "${name}" has an empty item`);
  return items;
}

/** Parses the `options` parameter against the values this operation knows. */
export function optionsParam(value: string | undefined, known: readonly string[]): Set<string> {
  const opts = new Set(listParam(value, 'options') ?? []);
  for (const o of opts) {
    if (!known.includes(o)) throw ngsiError('invalidRequest', `options=${o} is not supported here; use ${known.join(', ')}`);
  }
  return opts;
}

/** Works out the representation from `options` and `format` (format wins, clause 6.3.7). */
export function formatOf(opts: Set<string>, format: string | undefined): Format {
  if (format !== undefined) {
    if (format === 'keyValues' || format === 'simplified') return 'keyValues';
    if (format === 'concise') return 'concise';
    if (format === 'normalized') return 'normalized';
    throw ngsiError('badRequestData', `format=${format} is not one of normalized, concise, keyValues`);
  }
  const chosen = ['keyValues', 'simplified', 'concise', 'normalized'].filter((o) => opts.has(o));
  if (chosen.length > 1 && !(chosen.length === 2 && chosen.includes('keyValues') && chosen.includes('simplified'))) {
    throw ngsiError('badRequestData', `options ${chosen.join(' and ')} contradict each other`);
  }
  if (opts.has('keyValues') || opts.has('simplified')) return 'keyValues';
  if (opts.has('concise')) return 'concise';
  return 'normalized';
}

/** Parses a non-negative integer parameter within bounds. */
export function intParam(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw ngsiError('badRequestData', `query parameter "${name}" must be a whole number`);
  const n = Number(value);
  if (n < min) throw ngsiError('badRequestData', `query parameter "${name}" must be at least ${min}`);
  if (n > max) throw ngsiError('tooManyResults', `query parameter "${name}" must not exceed ${max}`);
  return n;
}

/** Parses a boolean parameter (`true`/`false`). */
export function boolParam(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw ngsiError('badRequestData', `query parameter "${name}" must be true or false`);
}
