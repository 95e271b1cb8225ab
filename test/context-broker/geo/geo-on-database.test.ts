import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { SqlParams } from '../../../src/core/index.js';
import { geoToSql, geometryColumnFor, parseGeoQueryParams } from '../../../src/context-broker/geo/index.js';
import type { GeoQuery } from '../../../src/context-broker/geo/index.js';

// Toyono, Osaka. Distances below are on the WGS 84 spheroid, as PostGIS geography measures them.
const TOYONO: [number, number] = [135.49, 34.83];
const SERVED_AREA = 'https://example.org/ns/servedArea';

// What the request @context would do: expand the compact names the tests use.
const CONTEXT: Record<string, string> = {
  location: 'https://uri.etsi.org/ngsi-ld/location',
  servedArea: SERVED_AREA,
};

const square = (w: number, s: number, e: number, n: number): number[][][] => [[[w, s], [e, s], [e, n], [w, n], [w, s]]];
const poly = (c: number[][][]) => ({ type: 'Polygon', coordinates: c });
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

// id → location GeoJSON (or null) and optional attrs.
const ROWS: Array<{ id: string; location: object | null; attrs?: object }> = [
  { id: 'hall', location: point(...TOYONO) }, // the reference point itself
  { id: 'p100m', location: point(135.49, 34.8309) }, // ≈ 100 m north
  { id: 'p900m', location: point(135.5, 34.83) }, // ≈ 914 m east
  { id: 'p5km', location: point(135.49, 34.875) }, // ≈ 5 km north
  { id: 'park', location: poly(square(135.485, 34.825, 135.495, 34.835)) }, // ~900 m square around the hall
  { id: 'farfield', location: poly(square(135.6, 34.9, 135.61, 34.91)) }, // ≈ 13 km away
  { id: 'road', location: { type: 'LineString', coordinates: [[135.48, 34.83], [135.5, 34.83]] } }, // crosses the park
  { id: 'nowhere', location: null },
  { id: 'shop', location: point(135.52, 34.85), attrs: { [SERVED_AREA]: [{ type: 'GeoProperty', value: poly(square(135.48, 34.82, 135.5, 34.84)) }] } },
  { id: 'kiosk', location: point(135.52, 34.85), attrs: { [SERVED_AREA]: [{ type: 'GeoProperty', value: poly(square(135.6, 34.9, 135.61, 34.91)) }] } },
  { id: 'badval', location: point(135.52, 34.85), attrs: { [SERVED_AREA]: [{ type: 'Property', value: 'not a geometry' }] } },
  { id: 'badobj', location: point(135.52, 34.85), attrs: { [SERVED_AREA]: [{ type: 'Property', value: { type: 'Circle', radius: 3 } }] } },
  { id: 'collection', location: point(135.52, 34.85), attrs: { [SERVED_AREA]: [{ type: 'GeoProperty', value: { type: 'GeometryCollection', geometries: [point(...TOYONO)] } }] } },
];

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create({ extensions: { postgis } });
  await db.exec(`
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE entity (id text PRIMARY KEY, location geometry(Geometry, 4326), attrs jsonb NOT NULL DEFAULT '{}');
    CREATE INDEX entity_location_gist ON entity USING gist (location);
    CREATE INDEX entity_location_geog_gist ON entity USING gist ((location::geography));
  `);
  for (const r of ROWS) {
    await db.query(
      `INSERT INTO entity (id, location, attrs) VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2::text), 4326), $3::jsonb)`,
      [r.id, r.location === null ? null : JSON.stringify(r.location), JSON.stringify(r.attrs ?? {})],
    );
  }
}, 120_000);

afterAll(async () => {
  await db?.close();
});

function geo(georel: string, geometry: string, coordinates: string, geoproperty?: string): GeoQuery {
  const r = parseGeoQueryParams({ georel, geometry, coordinates, ...(geoproperty !== undefined ? { geoproperty } : {}) });
  if (!r.ok) throw new Error(r.error);
  if (r.value === undefined) throw new Error('no geo-query');
  return r.value;
}

function where(q: GeoQuery): { text: string; params: SqlParams } {
  const params = new SqlParams();
  const text = geoToSql(q, {
    geometryOf: (name) => geometryColumnFor(CONTEXT[name] ?? `https://uri.etsi.org/ngsi-ld/default-context/${name}`, 'e', params),
    params,
  });
  return { text, params };
}

async function ids(q: GeoQuery): Promise<string[]> {
  const { text, params } = where(q);
  const r = await db.query<{ id: string }>(`SELECT e.id FROM entity e WHERE ${text} ORDER BY e.id`, params.values);
  return r.rows.map((row) => row.id);
}

async function metresFromToyono(id: string): Promise<number> {
  const r = await db.query<{ d: number }>(
    `SELECT ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) AS d FROM entity WHERE id = $1`,
    [id, ...TOYONO],
  );
  return r.rows[0]!.d;
}

const at = JSON.stringify(TOYONO);

describe('near: distances in metres from the reference geometry', () => {
  it('maxDistance selects what lies within that many metres', async () => {
    expect(await ids(geo('near;maxDistance==200', 'Point', at))).toEqual(['hall', 'p100m', 'park', 'road']);
    expect(await ids(geo('near;maxDistance==1000', 'Point', at))).toEqual(['hall', 'p100m', 'p900m', 'park', 'road']);
  });

  it('minDistance selects what lies farther than that many metres, and never entities without the GeoProperty', async () => {
    expect(await ids(geo('near;minDistance==1000', 'Point', at))).toEqual(['badobj', 'badval', 'collection', 'farfield', 'kiosk', 'p5km', 'shop']);
  });

  // ST_Distance rounds geography distances to 1e-8 m, so "exactly d" is probed a micrometre either side.
  it('maxDistance includes an entity right at the limit and excludes it a centimetre beyond', async () => {
    const d = await metresFromToyono('p900m');
    expect(d).toBeGreaterThan(900);
    expect(d).toBeLessThan(930);
    expect(await ids(geo(`near;maxDistance==${d + 1e-6}`, 'Point', at))).toContain('p900m');
    expect(await ids(geo(`near;maxDistance==${d - 0.01}`, 'Point', at))).not.toContain('p900m');
  });

  it('minDistance excludes an entity right at the limit and includes it a centimetre inside', async () => {
    const d = await metresFromToyono('p900m');
    expect(await ids(geo(`near;minDistance==${d + 1e-6}`, 'Point', at))).not.toContain('p900m');
    expect(await ids(geo(`near;minDistance==${d - 0.01}`, 'Point', at))).toContain('p900m');
  });

  it('minDistance and maxDistance together select a ring', async () => {
    expect(await ids(geo('near;minDistance==500;maxDistance==6000', 'Point', at))).toEqual(['badobj', 'badval', 'collection', 'kiosk', 'p5km', 'p900m', 'shop']);
  });

  it('measures from the closest point of an extended reference geometry', async () => {
    // A line 1 km east of the hall, running north–south: p900m is ≈ 90 m from it, the hall ≈ 1 km.
    const line = JSON.stringify([[135.501, 34.8], [135.501, 34.86]]);
    const near = await ids(geo('near;maxDistance==200', 'LineString', line));
    expect(near).toContain('p900m');
    expect(near).not.toContain('hall');
  });
});

describe('topological relations between the entity geometry and the reference geometry', () => {
  const toyonoSquare = JSON.stringify(square(135.48, 34.82, 135.5, 34.84));

  it('within selects entities lying inside the reference polygon, excluding a point on its edge', async () => {
    // p900m sits on the east edge (boundary is not interior); the road runs edge to edge through it.
    expect(await ids(geo('within', 'Polygon', toyonoSquare))).toEqual(['hall', 'p100m', 'park', 'road']);
  });

  it('contains selects entities whose geometry contains the reference point', async () => {
    expect(await ids(geo('contains', 'Point', at))).toEqual(['hall', 'park', 'road']);
  });

  it('intersects selects entities that touch or cross the reference geometry', async () => {
    const crossing = JSON.stringify([[135.49, 34.8], [135.49, 34.86]]);
    expect(await ids(geo('intersects', 'LineString', crossing))).toEqual(['hall', 'p100m', 'park', 'road']);
  });

  it('overlaps selects polygons that share part, but not all, of the reference area', async () => {
    const eastHalf = JSON.stringify(square(135.49, 34.82, 135.51, 34.84));
    expect(await ids(geo('overlaps', 'Polygon', eastHalf))).toEqual(['park']);
  });

  it('disjoint selects entities with a geometry that does not touch the reference, never those without one', async () => {
    const result = await ids(geo('disjoint', 'Polygon', toyonoSquare));
    expect(result).toEqual(['badobj', 'badval', 'collection', 'farfield', 'kiosk', 'p5km', 'shop']);
    expect(result).not.toContain('nowhere');
  });

  it('equals selects the entity at exactly the reference point', async () => {
    expect(await ids(geo('equals', 'Point', at))).toEqual(['hall']);
  });

  it('a MultiPolygon reference geometry works like its parts together', async () => {
    const two = JSON.stringify([square(135.485, 34.825, 135.495, 34.835), square(135.485, 34.87, 135.495, 34.88)]);
    expect(await ids(geo('within', 'MultiPolygon', two))).toEqual(['hall', 'p100m', 'p5km', 'park']);
  });
});

describe('a non-core GeoProperty is read from attrs', () => {
  it('intersects on servedArea selects the entities whose served area covers the hall', async () => {
    expect(await ids(geo('intersects', 'Point', at, 'servedArea'))).toEqual(['collection', 'shop']);
  });

  it('near on servedArea measures from the served area, not from location', async () => {
    expect(await ids(geo('near;maxDistance==100', 'Point', at, 'servedArea'))).toEqual(['collection', 'shop']);
  });

  it('a stored value that is not a geometry neither matches nor aborts the query', async () => {
    const result = await ids(geo('disjoint', 'Point', at, 'servedArea'));
    expect(result).toEqual(['kiosk']);
  });

  it('entities without that GeoProperty never match', async () => {
    expect(await ids(geo('near;minDistance==1', 'Point', at, 'unknownArea'))).toEqual([]);
  });
});

describe('user input never reaches the SQL text', () => {
  it('an IRI full of SQL is only a parameter', async () => {
    const params = new SqlParams();
    const evil = "x') IS NULL; DROP TABLE entity; --";
    const text = geoToSql(geo('intersects', 'Point', at), { geometryOf: () => geometryColumnFor(evil, 'e', params), params });
    const r = await db.query(`SELECT e.id FROM entity e WHERE ${text}`, params.values);
    expect(r.rows).toEqual([]);
    const still = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM entity');
    expect(still.rows[0]!.n).toBe(ROWS.length);
  });

  it.each([
    ['an injection attempt in coordinates', { georel: 'within', geometry: 'Point', coordinates: "[135.49,34.83]); DROP TABLE entity; --" }, 'is not a valid JSON array'],
    ['an injection attempt in georel', { georel: "within'; DROP TABLE entity; --", geometry: 'Point', coordinates: at }, 'is not a geo-relationship'],
    ['an injection attempt in the distance', { georel: 'near;maxDistance==1 OR 1=1', geometry: 'Point', coordinates: at }, 'must be a positive number'],
    ['an unclosed polygon', { georel: 'within', geometry: 'Polygon', coordinates: '[[[135.48,34.82],[135.5,34.82],[135.5,34.84],[135.48,34.84]]]' }, 'coordinates[0][3]: ring is not closed'],
    ['an out-of-range latitude', { georel: 'near;maxDistance==10', geometry: 'Point', coordinates: '[135.49, 134.83]' }, 'latitude 134.83 is outside -90..90'],
    ['malformed coordinates JSON', { georel: 'within', geometry: 'Point', coordinates: '[135.49,,34.83]' }, 'is not a valid JSON array'],
    ['an unknown georel', { georel: 'nearby', geometry: 'Point', coordinates: at }, 'is not a geo-relationship'],
    ['georel without geometry', { georel: 'within', coordinates: at }, 'geometry: missing'],
  ])('%s is refused before any SQL is built', (_name, p, reason) => {
    const r = parseGeoQueryParams(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });
});

describe('the SQL can use the GiST indexes', () => {
  async function plan(q: GeoQuery): Promise<string> {
    const { text, params } = where(q);
    await db.exec('SET enable_seqscan = off');
    try {
      const r = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT e.id FROM entity e WHERE ${text}`, params.values);
      return r.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await db.exec('SET enable_seqscan = on');
    }
  }

  it('near;maxDistance uses the index on (location::geography)', async () => {
    expect(await plan(geo('near;maxDistance==1000', 'Point', at))).toContain('entity_location_geog_gist');
  });

  it.each(['within', 'contains', 'intersects', 'overlaps', 'equals'])('%s uses the index on location', async (georel) => {
    expect(await plan(geo(georel, 'Polygon', JSON.stringify(square(135.48, 34.82, 135.5, 34.84))))).toContain('entity_location_gist');
  });
});
