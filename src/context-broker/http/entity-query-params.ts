/** Turns the query parameters of GET /entities (or a POST query body) into a store query. */
import type { Request } from 'express';
import { ngsiError } from '../errors.js';
import { parseQ, parseScopeQ } from '../query/index.js';
import { parseTypeSelector } from '../query/parse-type.js';
import { parseGeoQueryParams, type GeoQuery } from '../geo/index.js';
import type { EntityQuery } from '../store/entity-store.js';
import type { EntitySelectorFilter } from '../store/entity-filter.js';
import type { RenderOptions } from '../model/render.js';
import type { TermMap } from '../jsonld/index.js';
import { isUri } from '../model/validate.js';
import { boolParam, formatOf, intParam, listParam, optionsParam } from './params.js';

export const QUERY_PARAMS = [
  'id', 'type', 'idPattern', 'attrs', 'pick', 'omit', 'q', 'scopeQ', 'georel', 'geometry', 'coordinates', 'geoproperty',
  'geometryProperty', 'lang', 'limit', 'offset', 'count', 'options', 'format', 'local',
] as const;

export interface QueryLimits {
  defaultLimit: number;
  maxLimit: number;
}

export interface ParsedQuery {
  query: EntityQuery;
  render: RenderOptions;
  geometryProperty: string | undefined;
}

const PROJECTION_NAME = /^[A-Za-z0-9_@][A-Za-z0-9_:./#@-]*$/;

/** Reads attrs / pick / omit, checking every item is an attribute name (clause 4.21). */
function projectionList(p: Record<string, string | undefined>, name: 'attrs' | 'pick' | 'omit'): string[] | undefined {
  const list = listParam(p[name], name);
  for (const item of list ?? []) {
    if (/^[A-Za-z0-9_]+\{[^{}]+\}$/.test(item)) throw ngsiError('notImplemented', `${name}: nested projections such as "${item}" are not supported yet`);
    if (!PROJECTION_NAME.test(item)) throw ngsiError('badRequestData', `${name}: "${item}" is not an attribute name`);
  }
  return list;
}

/** Builds the projection (attrs / pick / omit) for rendering. */
export function projectionOf(p: Record<string, string | undefined>, terms: TermMap): Pick<RenderOptions, 'keepAttrs' | 'omitAttrs' | 'keepId' | 'keepType'> {
  const attrs = projectionList(p, 'attrs');
  const pick = projectionList(p, 'pick');
  const omit = projectionList(p, 'omit');
  if (pick && omit) throw ngsiError('badRequestData', 'pick and omit cannot be used together');
  if (pick && attrs) throw ngsiError('badRequestData', 'pick and attrs cannot be used together');
  if (attrs && omit) throw ngsiError('badRequestData', 'attrs and omit cannot be used together');
  const out: Pick<RenderOptions, 'keepAttrs' | 'omitAttrs' | 'keepId' | 'keepType'> = {};
  const keep = pick ?? attrs;
  if (keep) {
    out.keepAttrs = new Set(keep.filter((a) => a !== 'id' && a !== 'type').map((a) => terms.expandTerm(a)));
    if (pick) {
      out.keepId = pick.includes('id');
      out.keepType = pick.includes('type');
    }
  }
  if (omit) {
    out.omitAttrs = new Set(omit.filter((a) => a !== 'id' && a !== 'type').map((a) => terms.expandTerm(a)));
    out.keepId = !omit.includes('id');
    out.keepType = !omit.includes('type');
  }
  return out;
}

/** Parses a query request's parameters into a store query and render options. */
export function parseEntityQuery(
  p: Record<string, string | undefined>,
  terms: TermMap,
  limits: QueryLimits,
  geoOverride?: GeoQuery,
  selectors?: EntitySelectorFilter[],
): ParsedQuery {
  const opts = optionsParam(p['options'], ['keyValues', 'simplified', 'concise', 'normalized', 'sysAttrs']);
  const format = formatOf(opts, p['format']);
  const query: EntityQuery = {
    resolver: { expandAttr: (name: string) => terms.expandTerm(name) },
    limit: intParam(p['limit'], 'limit', 0, limits.maxLimit) ?? limits.defaultLimit,
    offset: intParam(p['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    count: boolParam(p['count'], 'count') ?? false,
  };
  if (query.limit === 0 && !query.count) throw ngsiError('badRequestData', 'limit=0 is only allowed together with count=true');
  if (selectors) query.selectors = selectors;
  if (p['type'] !== undefined) {
    const t = parseTypeSelector(p['type']);
    if (!t.ok) throw ngsiError('badRequestData', t.error);
    query.types = t.value.map((all) => all.map((name) => terms.expandTerm(name)));
  }
  const ids = listParam(p['id'], 'id');
  if (ids) {
    for (const id of ids) if (!isUri(id)) throw ngsiError('badRequestData', `id ${JSON.stringify(id)} is not a URI`);
    query.ids = ids;
  }
  if (p['idPattern'] !== undefined) {
    try {
      new RegExp(p['idPattern']);
    } catch {
      throw ngsiError('badRequestData', `idPattern ${JSON.stringify(p['idPattern'])} is not a valid regular expression`);
    }
    query.idPattern = p['idPattern'];
  }
  if (p['q'] !== undefined) {
    const q = parseQ(p['q']);
    if (!q.ok) throw ngsiError('badRequestData', q.error);
    query.q = q.value;
  }
  if (p['scopeQ'] !== undefined) {
    const s = parseScopeQ(p['scopeQ']);
    if (!s.ok) throw ngsiError('badRequestData', s.error);
    query.scopeQ = s.value;
  }
  if (geoOverride) {
    query.geo = geoOverride;
  } else {
    const geo = parseGeoQueryParams({ georel: p['georel'], geometry: p['geometry'], coordinates: p['coordinates'], geoproperty: p['geoproperty'] });
    if (!geo.ok) throw ngsiError('badRequestData', geo.error);
    if (geo.value) query.geo = geo.value;
  }
  const projection = projectionOf(p, terms);
  // attrs and pick also filter (clause 5.7.2, 4.21): entities with none of the listed attributes are not returned.
  const listed = (listParam(p['attrs'], 'attrs') ?? listParam(p['pick'], 'pick'))?.filter((a) => a !== 'id' && a !== 'type');
  if (listed && listed.length > 0) query.anyAttrs = listed.map((a) => terms.expandTerm(a));
  const hasFilter = query.selectors || query.types || query.ids || query.idPattern !== undefined || query.q || query.geo || query.scopeQ || query.anyAttrs;
  if (!hasFilter && p['local'] !== 'true') {
    throw ngsiError('badRequestData', 'a query needs at least one of type, id, idPattern, attrs, q, scopeQ or a geo-query (or local=true for all entities)');
  }
  const render: RenderOptions = { format, sysAttrs: opts.has('sysAttrs'), ...projection };
  if (p['lang'] !== undefined) render.lang = p['lang'];
  return { query, render, geometryProperty: p['geometryProperty'] };
}

/** Reads the raw query parameters of a request as a plain record. */
export function rawParams(req: Request): Record<string, string | undefined> {
  return req.query as Record<string, string | undefined>;
}
