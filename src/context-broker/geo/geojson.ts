/**
 * GeoJSON geometry validation (RFC 7946) for GeoProperty values and geo-query reference geometries.
 * Everything that reaches `ST_GeomFromGeoJSON` goes through here first, so PostGIS never sees a
 * shape it would reject mid-query, and the client learns exactly which position is wrong.
 */

/** A position: [longitude, latitude] or [longitude, latitude, altitude] (RFC 7946 §3.1.1). */
export type Position = number[];

export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: GeoJsonGeometry[] };

export type GeometryType = GeoJsonGeometry['type'];

/** Geometry types that carry `coordinates` (all but GeometryCollection). */
export type CoordinateGeometryType = Exclude<GeometryType, 'GeometryCollection'>;

/** How deep `coordinates` nests for each type: 0 = a position, 1 = array of positions, … */
const DEPTH: Record<CoordinateGeometryType, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/**
 * Upper bound on positions in one geometry. A town boundary has a few thousand vertices; this
 * stops a single request from making PostGIS build a multi-million-vertex geometry.
 */
export const MAX_POSITIONS = 100_000;

/** True for the six types that carry `coordinates`. */
export function isCoordinateGeometryType(t: unknown): t is CoordinateGeometryType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(DEPTH, t);
}

class Invalid extends Error {}

interface Walk {
  positions: number;
  /** Number of values in the first position seen; every position must match it. */
  dims: number | null;
}

function fail(path: string, reason: string): never {
  throw new Invalid(`${path}: ${reason}`);
}

function checkPosition(p: unknown, path: string, walk: Walk): Position {
  if (!Array.isArray(p)) fail(path, 'a position must be an array of 2 or 3 numbers');
  if (p.length < 2 || p.length > 3) fail(path, `a position must have 2 or 3 numbers, not ${p.length}`);
  for (let i = 0; i < p.length; i++) {
    const n: unknown = p[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${path}[${i}]`, 'must be a finite number');
  }
  const [lon, lat] = p as number[];
  if (lon! < -180 || lon! > 180) fail(path, `longitude ${lon} is outside -180..180`);
  if (lat! < -90 || lat! > 90) fail(path, `latitude ${lat} is outside -90..90`);
  // Mixed 2D/3D positions in one geometry are ambiguous and PostGIS cannot store them.
  if (walk.dims === null) walk.dims = p.length;
  else if (walk.dims !== p.length) fail(path, `position has ${p.length} numbers but earlier positions have ${walk.dims}`);
  walk.positions += 1;
  if (walk.positions > MAX_POSITIONS) fail(path, `too many positions (more than ${MAX_POSITIONS})`);
  return p as Position;
}

function checkArray(v: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be an array of ${what}`);
  if (v.length === 0) fail(path, `must not be empty`);
  return v;
}

function samePosition(a: Position, b: Position): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function checkLine(v: unknown, path: string, walk: Walk): Position[] {
  const line = checkArray(v, path, 'positions').map((p, i) => checkPosition(p, `${path}[${i}]`, walk));
  if (line.length < 2) fail(path, `a LineString needs at least 2 positions, not ${line.length}`);
  return line;
}

function checkRing(v: unknown, path: string, walk: Walk): void {
  const ring = checkArray(v, path, 'positions').map((p, i) => checkPosition(p, `${path}[${i}]`, walk));
  if (ring.length < 4) fail(path, `a linear ring needs at least 4 positions, not ${ring.length}`);
  const last = ring.length - 1;
  if (!samePosition(ring[0]!, ring[last]!)) fail(`${path}[${last}]`, 'ring is not closed (the last position must repeat the first)');
}

function checkPolygon(v: unknown, path: string, walk: Walk): void {
  // Winding order is not checked: RFC 7946 §3.1.6 says parsers SHOULD NOT reject on it.
  checkArray(v, path, 'linear rings').forEach((ring, i) => checkRing(ring, `${path}[${i}]`, walk));
}

function checkCoordinates(type: CoordinateGeometryType, c: unknown, path: string, walk: Walk): void {
  switch (type) {
    case 'Point':
      checkPosition(c, path, walk);
      return;
    case 'MultiPoint':
      checkArray(c, path, 'positions').forEach((p, i) => checkPosition(p, `${path}[${i}]`, walk));
      return;
    case 'LineString':
      checkLine(c, path, walk);
      return;
    case 'MultiLineString':
      checkArray(c, path, 'LineStrings').forEach((l, i) => checkLine(l, `${path}[${i}]`, walk));
      return;
    case 'Polygon':
      checkPolygon(c, path, walk);
      return;
    case 'MultiPolygon':
      checkArray(c, path, 'Polygons').forEach((poly, i) => checkPolygon(poly, `${path}[${i}]`, walk));
      return;
  }
}

function checkBbox(b: unknown, path: string): void {
  if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    fail(path, 'must be an array of 4 or 6 finite numbers (RFC 7946 §5)');
  }
}

function checkGeometry(v: unknown, prefix: string, inCollection: boolean): void {
  const at = (member: string): string => (prefix === '' ? member : `${prefix}.${member}`);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(prefix || 'geometry', 'must be a JSON object');
  const g = v as Record<string, unknown>;
  const type = g['type'];
  if (typeof type !== 'string') fail(at('type'), 'is missing or not a string');
  if ('bbox' in g) checkBbox(g['bbox'], at('bbox'));
  if (type === 'GeometryCollection') {
    // RFC 7946 §3.1.8: nested collections SHOULD be avoided; refusing them also bounds recursion.
    if (inCollection) fail(at('type'), 'a GeometryCollection must not contain another GeometryCollection');
    if ('coordinates' in g) fail(at('coordinates'), 'a GeometryCollection has "geometries", not "coordinates"');
    const members = checkArray(g['geometries'], at('geometries'), 'geometries');
    members.forEach((m, i) => checkGeometry(m, `${at('geometries')}[${i}]`, true));
    return;
  }
  if (!isCoordinateGeometryType(type)) {
    fail(at('type'), `"${type.slice(0, 40)}" is not a GeoJSON geometry type (Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, GeometryCollection)`);
  }
  if (!('coordinates' in g)) fail(at('coordinates'), 'is missing');
  checkNesting(g['coordinates'], DEPTH[type], at('coordinates'));
  checkCoordinates(type, g['coordinates'], at('coordinates'), { positions: 0, dims: null });
}

/**
 * Checks that arrays nest exactly `depth` levels above the positions, before the detailed walk,
 * so "[1,2]" given for a Polygon says "wrong depth" rather than a confusing per-position error.
 */
function checkNesting(c: unknown, depth: number, path: string): void {
  let cur: unknown = c;
  let p = path;
  for (let level = 0; level < depth; level++) {
    if (!Array.isArray(cur) || cur.length === 0) return; // the detailed walk reports it precisely
    if (!Array.isArray(cur[0])) fail(p, `nesting is too shallow for this geometry type (expected ${depth + 1} levels of arrays)`);
    cur = cur[0];
    p = `${p}[0]`;
  }
  if (Array.isArray(cur) && cur.length > 0 && Array.isArray(cur[0])) {
    fail(path, `nesting is too deep for this geometry type (expected ${depth + 1} levels of arrays)`);
  }
}

/** Reason `value` is not a valid RFC 7946 geometry ("coordinates[0][3]: …"), or null when it is. */
export function validateGeometry(value: unknown): string | null {
  try {
    checkGeometry(value, '', false);
    return null;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}
