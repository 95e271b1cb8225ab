/**
 * Turns an entity or attribute fragment as a client sent it (normalized or concise, ETSI GS CIM
 * 009 clause 4.5) into the stored form, expanding names with the request's @context. Every
 * problem is a 400 BadRequestData naming the offending member; nothing is half-accepted.
 */
import { validateGeometry } from '../geo/index.js';
import { ngsiError } from '../errors.js';
import { ATTRIBUTE_TYPES, type AttributeMap, type AttributeType, type Instance } from './entity.js';
import type { Terms } from './terms.js';
import { isObject, isScope, isUri, nameProblem, normalizeDateTime } from './validate.js';

export const MAX_ATTRIBUTES = 1000;
const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
/** Keys that are entity members, not attributes. */
const ENTITY_KEYS = new Set(['id', '@id', 'type', '@type', 'scope', '@context', 'createdAt', 'modifiedAt', 'deletedAt']);
/** The special NGSI-LD null (clause 4.5.x, merge-patch): delete this attribute. */
export const NGSI_NULL = 'urn:ngsi-ld:null';

export interface ParsedEntity {
  id: string;
  types: string[];
  scopes?: string[];
  attrs: AttributeMap;
}

/** Attribute changes of a fragment: `null` marks an attribute to delete (merge-patch only). */
export type AttributeChanges = Record<string, Instance[] | null>;

/**
 * How a fragment is read. `nulls`: the NGSI-LD Null deletes (update, partial update, merge).
 * `keepType`: a fragment without `type` and without a value member only changes metadata and
 * sub-attributes of the current instance (partial update, merge), instead of being a concise Property.
 */
export interface ParseMode {
  nulls: boolean;
  keepType: boolean;
}

const FULL: ParseMode = { nulls: false, keepType: false };
const VALUE_KEYS = ['value', 'object', 'objectList', 'languageMap', 'vocab', 'json', 'valueList'] as const;

/** True when a member value is the NGSI-LD Null (clause 5.2.1). */
function isNgsiNull(v: unknown): boolean {
  if (v === NGSI_NULL) return true;
  if (Array.isArray(v) && v.length === 1 && v[0] === NGSI_NULL) return true;
  return isObject(v) && Object.keys(v).length === 1 && v['@none'] === NGSI_NULL;
}

function bad(path: string, problem: string): never {
  throw ngsiError('badRequestData', `${path}: ${problem}`);
}

function isGeometry(v: unknown): boolean {
  return isObject(v) && typeof v['type'] === 'string' && GEOMETRY_TYPES.has(v['type']) && ('coordinates' in v || 'geometries' in v);
}

/** Guesses the attribute type of a concise-form object (clause 4.5.3.x). */
function inferType(raw: Record<string, unknown>): AttributeType | undefined {
  if ('object' in raw) return 'Relationship';
  if ('objectList' in raw) return 'ListRelationship';
  if ('languageMap' in raw) return 'LanguageProperty';
  if ('vocab' in raw) return 'VocabProperty';
  if ('json' in raw) return 'JsonProperty';
  if ('valueList' in raw) return 'ListProperty';
  if ('value' in raw) return isGeometry(raw['value']) ? 'GeoProperty' : 'Property';
  return undefined;
}

function parseUris(v: unknown, path: string): string | string[] {
  if (isUri(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every(isUri)) return v as string[];
  return bad(path, 'must be a URI or a non-empty array of URIs');
}

function parseLanguageMap(v: unknown, path: string): Record<string, string | string[]> {
  if (!isObject(v) || Object.keys(v).length === 0) bad(path, 'must be a non-empty object of language tag → string');
  for (const [lang, text] of Object.entries(v)) {
    if (!/^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|@none)$/.test(lang)) bad(`${path}.${lang}`, 'is not a BCP 47 language tag');
    if (typeof text !== 'string' && !(Array.isArray(text) && text.every((t) => typeof t === 'string'))) bad(`${path}.${lang}`, 'must be a string');
  }
  return v as Record<string, string | string[]>;
}

function parseVocab(v: unknown, terms: Terms, path: string): string | string[] {
  const one = (t: unknown, p: string): string => {
    if (typeof t !== 'string' || t === '') bad(p, 'must be a non-empty string (a term or IRI)');
    return terms.expandValue(t);
  };
  if (Array.isArray(v)) {
    if (v.length === 0) bad(path, 'must not be empty');
    return v.map((t, i) => one(t, `${path}[${i}]`));
  }
  return one(v, path);
}

/** Parses one attribute instance (or sub-attribute) from normalized or concise form. */
export function parseInstance(raw: unknown, terms: Terms, path: string, depth = 0, mode: ParseMode = FULL): Instance {
  if (depth > 8) bad(path, 'sub-attributes nest too deeply');
  if (mode.nulls && (raw === null || isNgsiNull(raw))) return { delete: true } as Instance;
  if (mode.nulls && isObject(raw) && VALUE_KEYS.some((k) => k in raw && isNgsiNull(raw[k]))) {
    const del = { delete: true } as Instance;
    if (raw['datasetId'] !== undefined) {
      if (!isUri(raw['datasetId'])) bad(`${path}.datasetId`, 'must be a URI');
      del.datasetId = raw['datasetId'];
    }
    return del;
  }
  if (mode.keepType && isObject(raw) && !('type' in raw) && !VALUE_KEYS.some((k) => k in raw) && !isGeometry(raw)) {
    return parseMembers(raw, {} as Instance, terms, path, depth, mode);
  }
  if (!isObject(raw)) {
    // Concise form: a bare value is a Property.
    if (raw === null || raw === undefined) bad(path, 'has no value');
    if (Array.isArray(raw) && raw.length === 0) bad(path, 'is an empty array');
    return { type: 'Property', value: raw };
  }
  let type: AttributeType | undefined;
  // Concise GeoProperty: the GeoJSON geometry itself stands for the attribute.
  if (isGeometry(raw)) return parseInstance({ type: 'GeoProperty', value: raw }, terms, path, depth);
  if ('type' in raw) {
    const t = raw['type'];
    if (typeof t !== 'string' || !(ATTRIBUTE_TYPES as readonly string[]).includes(t)) {
      bad(`${path}.type`, `must be one of ${ATTRIBUTE_TYPES.join(', ')}`);
    }
    type = t as AttributeType;
  } else {
    type = inferType(raw);
    // An object without NGSI-LD members is a concise Property whose value is that object.
    if (type === undefined) return { type: 'Property', value: raw };
  }
  const out: Instance = { type };
  switch (type) {
    case 'Property':
      if (raw['value'] === undefined || raw['value'] === null) bad(`${path}.value`, 'is missing; a Property needs a value');
      out.value = raw['value'];
      break;
    case 'GeoProperty': {
      const why = validateGeometry(raw['value']);
      if (why !== null) bad(`${path}.value`, `is not a valid GeoJSON geometry: ${why}`);
      out.value = raw['value'];
      break;
    }
    case 'Relationship':
      out.object = parseUris(raw['object'], `${path}.object`);
      if (raw['objectType'] !== undefined) out.objectType = parseVocab(raw['objectType'], terms, `${path}.objectType`);
      break;
    case 'ListRelationship': {
      const list = raw['objectList'];
      if (!Array.isArray(list)) bad(`${path}.objectList`, 'must be an array');
      out.objectList = list.map((o, i) => {
        const uri = isObject(o) ? o['object'] : o;
        if (!isUri(uri)) bad(`${path}.objectList[${i}]`, 'must be a URI or {"object": URI}');
        return uri;
      });
      if (raw['objectType'] !== undefined) out.objectType = parseVocab(raw['objectType'], terms, `${path}.objectType`);
      break;
    }
    case 'LanguageProperty':
      out.languageMap = parseLanguageMap(raw['languageMap'], `${path}.languageMap`);
      break;
    case 'VocabProperty':
      out.vocab = parseVocab(raw['vocab'], terms, `${path}.vocab`);
      break;
    case 'JsonProperty':
      if (raw['json'] === undefined) bad(`${path}.json`, 'is missing; a JsonProperty needs json');
      out.json = raw['json'];
      break;
    case 'ListProperty': {
      const list = raw['valueList'];
      if (!Array.isArray(list)) bad(`${path}.valueList`, 'must be an array');
      out.valueList = list;
      break;
    }
  }
  return parseMembers(raw, out, terms, path, depth, mode);
}

/** Reads metadata members and sub-attributes of an instance into `out`. */
function parseMembers(raw: Record<string, unknown>, out: Instance, terms: Terms, path: string, depth: number, mode: ParseMode): Instance {
  const type = out.type;
  for (const [key, v] of Object.entries(raw)) {
    switch (key) {
      case 'type':
      case 'value':
      case 'object':
      case 'objectType':
      case 'languageMap':
      case 'vocab':
      case 'json':
      case 'valueList':
      case 'objectList':
        if (key !== 'type' && type !== undefined && (out as Record<string, unknown>)[key] === undefined) {
          bad(`${path}.${key}`, `is not a member of a ${type}`);
        }
        break;
      case 'createdAt':
      case 'modifiedAt':
      case 'deletedAt':
      case 'instanceId':
        break; // system members: ignored on input (clause 4.8)
      case 'datasetId':
        if (!isUri(v)) bad(`${path}.datasetId`, 'must be a URI');
        if (depth > 0) bad(`${path}.datasetId`, 'is not allowed on a sub-attribute');
        out.datasetId = v;
        break;
      case 'observedAt': {
        const t = normalizeDateTime(v);
        if (t === null) bad(`${path}.observedAt`, 'must be an ISO 8601 date-time such as 2026-11-25T09:00:00Z');
        out.observedAt = t;
        break;
      }
      case 'unitCode':
        if (typeof v !== 'string' || v === '' || v.length > 64) bad(`${path}.unitCode`, 'must be a UN/CEFACT unit code string');
        out.unitCode = v;
        break;
      case '@context':
        bad(`${path}.@context`, 'is only allowed at the top of a body');
        break;
      default: {
        const problem = nameProblem(key);
        if (problem) bad(`${path}.${key}`, `sub-attribute name ${problem}`);
        out[terms.expandTerm(key)] = parseInstance(v, terms, `${path}.${key}`, depth + 1, mode);
      }
    }
  }
  return out;
}

/** Parses an attribute's value: one instance, or an array of instances with distinct datasetIds. */
export function parseAttribute(raw: unknown, terms: Terms, path: string, mode: ParseMode = FULL): Instance[] {
  const looksMulti = Array.isArray(raw) && raw.length > 0 && raw.every((r) => isObject(r) && (('type' in r) || inferType(r) !== undefined));
  const list = looksMulti
    ? (raw as unknown[]).map((r, i) => parseInstance(r, terms, `${path}[${i}]`, 0, mode))
    : [parseInstance(raw, terms, path, 0, mode)];
  const seen = new Set<string>();
  for (const inst of list) {
    const key = inst.datasetId ?? '@default';
    if (seen.has(key)) bad(path, `has two instances with ${inst.datasetId ? `datasetId ${inst.datasetId}` : 'no datasetId'}`);
    seen.add(key);
  }
  return list;
}

/** Parses the attributes of a body (entity or fragment); `allowNull` permits merge-patch deletions. */
export function parseAttributes(body: Record<string, unknown>, terms: Terms, mode: ParseMode = FULL): AttributeChanges {
  const out: AttributeChanges = {};
  let count = 0;
  for (const [key, raw] of Object.entries(body)) {
    if (ENTITY_KEYS.has(key)) continue;
    if (++count > MAX_ATTRIBUTES) bad('body', `has more than ${MAX_ATTRIBUTES} attributes`);
    const problem = nameProblem(key);
    if (problem) bad(key, `attribute name ${problem}`);
    const iri = terms.expandTerm(key);
    if (mode.nulls && (raw === null || isNgsiNull(raw))) {
      out[iri] = null;
      continue;
    }
    if (iri in out) bad(key, 'is given twice (two terms expand to the same attribute)');
    out[iri] = parseAttribute(raw, terms, key, mode);
  }
  return out;
}

/** Parses `type` (a term or array of terms) into expanded type IRIs. */
export function parseTypes(raw: unknown, terms: Terms, path = 'type'): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) bad(path, 'must name at least one type');
  const out: string[] = [];
  for (const [i, t] of list.entries()) {
    if (typeof t !== 'string') bad(Array.isArray(raw) ? `${path}[${i}]` : path, 'must be a string');
    const problem = nameProblem(t);
    if (problem) bad(path, `type name ${problem}`);
    const iri = terms.expandTerm(t);
    if (!out.includes(iri)) out.push(iri);
  }
  return out;
}

/** Parses `scope` (a string or array of scope paths). */
export function parseScopes(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  for (const s of list) if (!isScope(s)) bad('scope', `${JSON.stringify(s)} is not a scope such as /Osaka/Toyono`);
  return [...new Set(list as string[])];
}

/** Parses a whole entity for create, replace or upsert: id and type are required. */
export function parseEntity(body: unknown, terms: Terms, expectedId?: string): ParsedEntity {
  if (!isObject(body)) bad('body', 'must be a JSON object (an entity)');
  const id = body['id'] ?? body['@id'];
  if (expectedId !== undefined && id !== undefined && id !== expectedId) bad('id', `does not match the entity id in the URL (${expectedId})`);
  const finalId = id ?? expectedId;
  if (finalId === undefined) bad('id', 'is missing');
  if (!isUri(finalId)) bad('id', `${JSON.stringify(finalId)} is not a URI`);
  const rawType = body['type'] ?? body['@type'];
  if (rawType === undefined) bad('type', 'is missing');
  const parsed: ParsedEntity = { id: finalId, types: parseTypes(rawType, terms), attrs: {} };
  if (body['scope'] !== undefined) parsed.scopes = parseScopes(body['scope']);
  const changes = parseAttributes(body, terms);
  for (const [iri, instances] of Object.entries(changes)) parsed.attrs[iri] = instances!;
  return parsed;
}
