/**
 * The NGSI-LD geo-query (ETSI GS CIM 009 v1.8.1, clause 4.10): parsed from the URL parameters of
 * GET /entities (`georel`, `geometry`, `coordinates`, `geoproperty`) or from the `geoQ` member of
 * POST /entityOperations/query and of subscriptions. Parsing returns a result, never throws; the
 * caller turns an error into a BadRequestData problem.
 */
import { isCoordinateGeometryType, validateGeometry } from './geojson.js';
import type { CoordinateGeometryType, GeoJsonGeometry } from './geojson.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export type Georel =
  | { kind: 'near'; maxDistance?: number; minDistance?: number }
  | { kind: 'within' | 'contains' | 'intersects' | 'overlaps' | 'disjoint' | 'equals' };

export interface GeoQuery {
  georel: Georel;
  geometry: GeoJsonGeometry;
  /** The GeoProperty to test, as the client wrote it (compact term or IRI); expanded by the caller. */
  geoproperty: string;
}

/** The default GeoProperty when `geoproperty` is absent (clause 4.10). */
export const DEFAULT_GEOPROPERTY = 'location';

const RELATIONS = ['within', 'contains', 'intersects', 'overlaps', 'disjoint', 'equals'] as const;
const GEOMETRIES = 'Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon';

// PositiveNumber of the 4.10 grammar: an RFC 8259 number without the minus sign (zero is refused below).
const NUMBER_RE = /^(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// A term or IRI: no whitespace, quotes, brackets or other characters that never appear in either.
const GEOPROPERTY_RE = /^[^\s"'<>{}|\\^`,;()[\]]+$/;
const MAX_GEOPROPERTY_LENGTH = 512;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const err = <T>(error: string): Result<T> => ({ ok: false, error });

/** Parses a `georel` value: `near;maxDistance==N`, `near;minDistance==N`, `within`, … */
export function parseGeorel(raw: string): Result<Georel> {
  const [head = '', ...modifiers] = raw.split(';');
  if ((RELATIONS as readonly string[]).includes(head)) {
    if (modifiers.length > 0) return err(`georel: "${head}" takes no modifiers; maxDistance/minDistance belong to "near" only`);
    return ok({ kind: head as (typeof RELATIONS)[number] });
  }
  if (head !== 'near') {
    return err(`georel: "${clip(head)}" is not a geo-relationship; expected near;maxDistance==<metres>, near;minDistance==<metres>, ${RELATIONS.join(', ')}`);
  }
  if (modifiers.length === 0) return err('georel: "near" needs a distance, e.g. near;maxDistance==1000 (metres)');
  const near: { kind: 'near'; maxDistance?: number; minDistance?: number } = { kind: 'near' };
  for (const m of modifiers) {
    const match = /^(maxDistance|minDistance)==(.*)$/.exec(m);
    if (!match) {
      const hint = /^(max|min)Distance[:=]/.test(m) ? ' (write the distance as maxDistance==N, with "==")' : '';
      return err(`georel: "${clip(m)}" is not a distance modifier${hint}; expected maxDistance==N or minDistance==N`);
    }
    const name = match[1] as 'maxDistance' | 'minDistance';
    const text = match[2]!;
    if (near[name] !== undefined) return err(`georel: ${name} is given more than once`);
    const n = Number(text);
    if (!NUMBER_RE.test(text) || !Number.isFinite(n) || n <= 0) {
      return err(`georel: ${name} must be a positive number of metres, not "${clip(text)}"`);
    }
    near[name] = n;
  }
  if (near.maxDistance !== undefined && near.minDistance !== undefined && near.minDistance >= near.maxDistance) {
    return err(`georel: minDistance (${near.minDistance}) must be smaller than maxDistance (${near.maxDistance})`);
  }
  return ok(near);
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function checkGeoproperty(g: string): Result<string> {
  if (g.length === 0) return err('geoproperty: must not be empty');
  if (g.length > MAX_GEOPROPERTY_LENGTH) return err(`geoproperty: longer than ${MAX_GEOPROPERTY_LENGTH} characters`);
  if (!GEOPROPERTY_RE.test(g)) return err(`geoproperty: "${clip(g)}" is not an attribute name`);
  return ok(g);
}

function buildGeometry(geometry: string, coordinates: unknown): Result<GeoJsonGeometry> {
  // GeometryCollection is not a 4.10 reference geometry: it has no `coordinates` to give.
  if (!isCoordinateGeometryType(geometry)) return err(`geometry: "${clip(geometry)}" is not one of ${GEOMETRIES}`);
  if (!Array.isArray(coordinates)) return err('coordinates: must be a JSON array');
  const candidate = { type: geometry as CoordinateGeometryType, coordinates };
  const why = validateGeometry(candidate);
  return why === null ? ok(candidate as GeoJsonGeometry) : err(why);
}

function parseCoordinatesText(text: string): Result<unknown> {
  let t = text.trim();
  // Some clients percent-encode the brackets twice; the HTTP layer only undoes one level.
  if (!t.startsWith('[') && /^%5b/i.test(t)) {
    try {
      t = decodeURIComponent(t).trim();
    } catch {
      return err('coordinates: not a valid JSON array');
    }
  }
  try {
    return ok(JSON.parse(t) as unknown);
  } catch {
    return err(`coordinates: "${clip(text)}" is not a valid JSON array`);
  }
}

function assemble(georelRaw: string, geometryRaw: string, coordinates: unknown, geopropertyRaw: string | undefined): Result<GeoQuery> {
  const georel = parseGeorel(georelRaw);
  if (!georel.ok) return georel;
  const geometry = buildGeometry(geometryRaw, coordinates);
  if (!geometry.ok) return geometry;
  const geoproperty = checkGeoproperty(geopropertyRaw ?? DEFAULT_GEOPROPERTY);
  if (!geoproperty.ok) return geoproperty;
  return ok({ georel: georel.value, geometry: geometry.value, geoproperty: geoproperty.value });
}

/**
 * Parses the geo-query URL parameters. No geo parameter at all → `undefined`; any one of them
 * without the others (georel, geometry and coordinates are all required) → an error.
 */
export function parseGeoQueryParams(p: { georel?: string; geometry?: string; coordinates?: string; geoproperty?: string }): Result<GeoQuery | undefined> {
  const { georel, geometry, coordinates, geoproperty } = p;
  if (georel === undefined && geometry === undefined && coordinates === undefined && geoproperty === undefined) return ok(undefined);
  const missing = (['georel', 'geometry', 'coordinates'] as const).filter((k) => p[k] === undefined);
  if (missing.length > 0) return err(`${missing.join(' and ')}: missing; a geo-query needs georel, geometry and coordinates together`);
  const coords = parseCoordinatesText(coordinates!);
  if (!coords.ok) return coords;
  return assemble(georel!, geometry!, coords.value, geoproperty);
}

const GEOQ_MEMBERS = new Set(['georel', 'geometry', 'coordinates', 'geoproperty']);

/**
 * Parses a `geoQ` object (POST /entityOperations/query, subscriptions): the same members as the
 * URL parameters, with `coordinates` as a JSON array (a JSON-array string is accepted too).
 */
export function parseGeoQueryObject(obj: unknown): Result<GeoQuery> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return err('geoQ: must be a JSON object');
  const o = obj as Record<string, unknown>;
  // An unknown member is most often a misspelt one ("geoProperty"); silently ignoring it would
  // query the default `location` instead of what the client meant.
  const unknown = Object.keys(o).filter((k) => !GEOQ_MEMBERS.has(k));
  if (unknown.length > 0) return err(`geoQ: unknown member "${clip(unknown[0]!)}"; expected georel, geometry, coordinates, geoproperty`);
  for (const k of ['georel', 'geometry', 'coordinates'] as const) {
    if (o[k] === undefined) return err(`geoQ.${k}: missing; a geo-query needs georel, geometry and coordinates together`);
  }
  if (typeof o['georel'] !== 'string') return err('geoQ.georel: must be a string');
  if (typeof o['geometry'] !== 'string') return err('geoQ.geometry: must be a string');
  if (o['geoproperty'] !== undefined && typeof o['geoproperty'] !== 'string') return err('geoQ.geoproperty: must be a string');
  let coordinates: unknown = o['coordinates'];
  if (typeof coordinates === 'string') {
    const parsed = parseCoordinatesText(coordinates);
    if (!parsed.ok) return parsed;
    coordinates = parsed.value;
  }
  return assemble(o['georel'], o['geometry'], coordinates, o['geoproperty'] as string | undefined);
}
