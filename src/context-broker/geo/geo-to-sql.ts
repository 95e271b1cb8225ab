/**
 * GeoQuery → a boolean PostGIS expression for the WHERE clause. Every user value (the reference
 * geometry, distances, attribute IRIs) goes in as a parameter; only fixed SQL is written here.
 *
 * Indexes the caller must create on `entity` so these expressions stay index-driven
 * (≥100k entities, p95 ≤ 20 ms):
 *   CREATE INDEX entity_location_gist      ON entity USING gist (location);
 *   CREATE INDEX entity_location_geog_gist ON entity USING gist ((location::geography));
 * and the same pair for observation_space and operation_space if those are queried often.
 * `near` (ST_DWithin on geography) uses the geography expression index; within, contains,
 * intersects, overlaps and equals use the plain geometry index. minDistance and disjoint are
 * negations: no index can answer "far from" / "not touching", so they scan whatever the other
 * conditions (type, q, scope) leave.
 */
import type { SqlParams } from '../../core/index.js';
import type { GeoQuery } from './geo-query.js';

/** Geometry columns of `entity` for the three core GeoProperties (clause 4.7). */
const CORE_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['https://uri.etsi.org/ngsi-ld/location', 'location'],
  ['https://uri.etsi.org/ngsi-ld/observationSpace', 'observation_space'],
  ['https://uri.etsi.org/ngsi-ld/operationSpace', 'operation_space'],
]);

const ALIAS_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// GeoJSON types ST_GeomFromGeoJSON understands; anything else in stored JSON would abort the query.
const STORED_TYPES = "('Point','MultiPoint','LineString','MultiLineString','Polygon','MultiPolygon','GeometryCollection')";

const PREDICATE = {
  within: 'ST_Within',
  contains: 'ST_Contains',
  intersects: 'ST_Intersects',
  overlaps: 'ST_Overlaps',
  disjoint: 'ST_Disjoint',
  equals: 'ST_Equals',
} as const;

/**
 * SQL for the geometry of the GeoProperty `expandedIri` on row alias `alias`: the column for the
 * three core GeoProperties, else the GeoJSON in `attrs` (first instance) converted on the fly,
 * or NULL when that value is not a geometry object, so a bad stored value cannot abort a query.
 */
export function geometryColumnFor(expandedIri: string, alias: string, params: SqlParams): string {
  // The alias comes from our own query builder, never from a request; refuse anything odd anyway.
  if (!ALIAS_RE.test(alias)) throw new Error(`geometryColumnFor: invalid table alias ${JSON.stringify(alias)}`);
  const column = CORE_COLUMNS.get(expandedIri);
  if (column !== undefined) return `${alias}.${column}`;
  const value = `(${alias}.attrs -> ${params.add(expandedIri)}::text -> 0 -> 'value')`;
  return (
    `(CASE WHEN jsonb_typeof(${value}) = 'object' AND ${value} ->> 'type' IN ${STORED_TYPES}` +
    ` AND (jsonb_typeof(${value} -> 'coordinates') = 'array' OR jsonb_typeof(${value} -> 'geometries') = 'array')` +
    ` THEN ST_SetSRID(ST_GeomFromGeoJSON((${value})::text), 4326) END)`
  );
}

/** SQL for the reference geometry, as a parameter: `ST_SetSRID(ST_GeomFromGeoJSON($n::text), 4326)`. */
function referenceGeometry(q: GeoQuery, params: SqlParams): string {
  // ::text picks one of the json/jsonb/text overloads of ST_GeomFromGeoJSON for an untyped parameter.
  return `ST_SetSRID(ST_GeomFromGeoJSON(${params.add(JSON.stringify(q.geometry))}::text), 4326)`;
}

/**
 * Builds the boolean SQL expression for a geo-query. `geometryOf` maps the query's compact
 * `geoproperty` to a geometry SQL expression (it expands the term with the request's @context and
 * calls `geometryColumnFor`). Entities without that GeoProperty never match (the expression is NULL).
 */
export function geoToSql(q: GeoQuery, opts: { geometryOf: (geopropertyCompactName: string) => string; params: SqlParams }): string {
  const { params } = opts;
  const target = opts.geometryOf(q.geoproperty);
  const reference = referenceGeometry(q, params);
  const g = q.georel;
  if (g.kind === 'near') {
    // Metres on the WGS 84 spheroid. `target::geography` is written exactly as the expression index
    // `((location::geography))` so the planner matches it; ST_DWithin's support function then adds
    // the index condition. maxDistance is inclusive (distance ≤ N); minDistance is its negation
    // (distance > N: disjoint from the N-metre buffer, clause 4.10).
    const t = `(${target})::geography`;
    const r = `(${reference})::geography`;
    const parts: string[] = [];
    if (g.maxDistance !== undefined) parts.push(`ST_DWithin(${t}, ${r}, ${params.add(g.maxDistance)}::float8)`);
    if (g.minDistance !== undefined) parts.push(`NOT ST_DWithin(${t}, ${r}, ${params.add(g.minDistance)}::float8)`);
    // parseGeorel never yields a bare `near`; a hand-built one must not silently match everything.
    if (parts.length === 0) throw new Error('geoToSql: near without maxDistance or minDistance');
    return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
  }
  // Target first: "within" means the entity's geometry lies within the reference geometry.
  return `${PREDICATE[g.kind]}(${target}, ${reference})`;
}
