import { SqlParams } from '../../../src/core/index.js';
import {
  geoToSql,
  geometryColumnFor,
  parseGeoQueryObject,
  parseGeoQueryParams,
  parseGeorel,
} from '../../../src/context-broker/geo/index.js';
import type { GeoQuery, Result } from '../../../src/context-broker/geo/index.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.error}`);
  return r.value;
}

function error<T>(r: Result<T>): string {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const toyono = '[135.49,34.83]';

describe('parseGeorel follows the clause 4.10 grammar', () => {
  it.each([
    ['near;maxDistance==2000', { kind: 'near', maxDistance: 2000 }],
    ['near;minDistance==15', { kind: 'near', minDistance: 15 }],
    ['near;maxDistance==0.5', { kind: 'near', maxDistance: 0.5 }],
    ['near;maxDistance==1e3', { kind: 'near', maxDistance: 1000 }],
    ['near;minDistance==100;maxDistance==500', { kind: 'near', minDistance: 100, maxDistance: 500 }],
    ['within', { kind: 'within' }],
    ['contains', { kind: 'contains' }],
    ['intersects', { kind: 'intersects' }],
    ['overlaps', { kind: 'overlaps' }],
    ['disjoint', { kind: 'disjoint' }],
    ['equals', { kind: 'equals' }],
  ])('reads %s', (raw, expected) => {
    expect(value(parseGeorel(raw))).toEqual(expected);
  });

  it.each([
    ['an unknown relation', 'touches', 'is not a geo-relationship'],
    ['the NGSIv2 coveredBy', 'coveredBy', 'is not a geo-relationship'],
    ['near without a distance', 'near', '"near" needs a distance'],
    ['a zero distance (PositiveNumber excludes 0)', 'near;maxDistance==0', 'must be a positive number'],
    ['a negative distance', 'near;minDistance==-5', 'must be a positive number'],
    ['a non-numeric distance', 'near;maxDistance==far', 'must be a positive number'],
    ['a hexadecimal distance', 'near;maxDistance==0x10', 'must be a positive number'],
    ['Infinity', 'near;maxDistance==Infinity', 'must be a positive number'],
    ['an empty distance', 'near;maxDistance==', 'must be a positive number'],
    ['the NGSIv2 colon syntax', 'near;maxDistance:1000', 'with "=="'],
    ['a single equals sign', 'near;maxDistance=1000', 'with "=="'],
    ['an unknown modifier', 'near;radius==5', 'is not a distance modifier'],
    ['a repeated modifier', 'near;maxDistance==5;maxDistance==6', 'maxDistance is given more than once'],
    ['minDistance not below maxDistance', 'near;minDistance==500;maxDistance==500', 'must be smaller than maxDistance'],
    ['a modifier on within', 'within;maxDistance==5', 'takes no modifiers'],
    ['a wrongly cased relation', 'Within', 'is not a geo-relationship'],
    ['an empty georel', '', 'is not a geo-relationship'],
  ])('rejects %s', (_name, raw, reason) => {
    expect(error(parseGeorel(raw))).toContain(reason);
  });
});

describe('parseGeoQueryParams reads the URL parameters of a query', () => {
  it('returns undefined when the request has no geo parameter at all', () => {
    expect(value(parseGeoQueryParams({}))).toBeUndefined();
  });

  it('reads a near query and defaults geoproperty to location', () => {
    expect(value(parseGeoQueryParams({ georel: 'near;maxDistance==1000', geometry: 'Point', coordinates: toyono }))).toEqual({
      georel: { kind: 'near', maxDistance: 1000 },
      geometry: { type: 'Point', coordinates: [135.49, 34.83] },
      geoproperty: 'location',
    });
  });

  it('accepts coordinates with spaces, as clients URL-encode them', () => {
    const q = value(parseGeoQueryParams({ georel: 'within', geometry: 'Polygon', coordinates: ' [[ [135.48, 34.82], [135.5, 34.82], [135.5, 34.84], [135.48, 34.82] ]] ' }));
    expect(q?.geometry.type).toBe('Polygon');
  });

  it('accepts coordinates whose brackets arrive still percent-encoded', () => {
    const q = value(parseGeoQueryParams({ georel: 'equals', geometry: 'Point', coordinates: '%5B135.49%2C34.83%5D' }));
    expect(q?.geometry).toEqual({ type: 'Point', coordinates: [135.49, 34.83] });
  });

  it('keeps the geoproperty as given, for the caller to expand with the request @context', () => {
    const q = value(parseGeoQueryParams({ georel: 'intersects', geometry: 'Point', coordinates: toyono, geoproperty: 'servedArea' }));
    expect(q?.geoproperty).toBe('servedArea');
  });

  it('accepts near with an extended reference geometry: the 4.10 grammar does not restrict it to Point', () => {
    const q = value(parseGeoQueryParams({ georel: 'near;maxDistance==50', geometry: 'LineString', coordinates: '[[135.48,34.82],[135.5,34.84]]' }));
    expect(q?.geometry.type).toBe('LineString');
  });

  it.each([
    ['georel without geometry and coordinates', { georel: 'within' }, 'geometry and coordinates: missing'],
    ['geometry without georel', { geometry: 'Point', coordinates: toyono }, 'georel: missing'],
    ['georel and geometry without coordinates', { georel: 'within', geometry: 'Point' }, 'coordinates: missing'],
    ['geoproperty alone', { geoproperty: 'location' }, 'georel and geometry and coordinates: missing'],
    ['an unknown geometry', { georel: 'within', geometry: 'Circle', coordinates: toyono }, 'geometry: "Circle" is not one of'],
    ['GeometryCollection as reference geometry', { georel: 'within', geometry: 'GeometryCollection', coordinates: '[]' }, 'is not one of'],
    ['a lowercase geometry', { georel: 'within', geometry: 'point', coordinates: toyono }, 'is not one of'],
    ['malformed coordinates JSON', { georel: 'within', geometry: 'Point', coordinates: '[135.49,34.83' }, 'coordinates: "[135.49,34.83" is not a valid JSON array'],
    ['coordinates that are not an array', { georel: 'within', geometry: 'Point', coordinates: '{"a":1}' }, 'coordinates: must be a JSON array'],
    ['NGSIv2-style coordinates', { georel: 'within', geometry: 'Point', coordinates: '34.83,135.49' }, 'is not a valid JSON array'],
    ['an out-of-range latitude', { georel: 'near;maxDistance==10', geometry: 'Point', coordinates: '[135.49,95]' }, 'latitude 95 is outside -90..90'],
    ['an unclosed polygon', { georel: 'within', geometry: 'Polygon', coordinates: '[[[0,0],[1,0],[1,1],[0,1]]]' }, 'coordinates[0][3]: ring is not closed'],
    ['coordinates too shallow for the geometry', { georel: 'within', geometry: 'Polygon', coordinates: toyono }, 'nesting is too shallow'],
    ['an SQL injection in coordinates', { georel: 'within', geometry: 'Point', coordinates: "[135.49,34.83]); DROP TABLE entity; --" }, 'is not a valid JSON array'],
    ['an SQL injection in geoproperty', { georel: 'within', geometry: 'Point', coordinates: toyono, geoproperty: "location'; DROP TABLE entity; --" }, 'geoproperty: '],
    ['an empty geoproperty', { georel: 'within', geometry: 'Point', coordinates: toyono, geoproperty: '' }, 'geoproperty: must not be empty'],
  ])('rejects %s', (_name, p, reason) => {
    expect(error(parseGeoQueryParams(p))).toContain(reason);
  });
});

describe('parseGeoQueryObject reads the geoQ of POST /entityOperations/query', () => {
  it('reads coordinates given as a JSON array', () => {
    expect(value(parseGeoQueryObject({ georel: 'near;minDistance==10', geometry: 'Point', coordinates: [135.49, 34.83], geoproperty: 'observationSpace' }))).toEqual({
      georel: { kind: 'near', minDistance: 10 },
      geometry: { type: 'Point', coordinates: [135.49, 34.83] },
      geoproperty: 'observationSpace',
    });
  });

  it('also reads coordinates given as a JSON-array string', () => {
    expect(value(parseGeoQueryObject({ georel: 'equals', geometry: 'Point', coordinates: toyono })).geometry).toEqual({ type: 'Point', coordinates: [135.49, 34.83] });
  });

  it.each([
    ['a non-object', 'near', 'geoQ: must be a JSON object'],
    ['null', null, 'geoQ: must be a JSON object'],
    ['a missing geometry', { georel: 'within', coordinates: [1, 2] }, 'geoQ.geometry: missing'],
    ['a missing coordinates', { georel: 'within', geometry: 'Point' }, 'geoQ.coordinates: missing'],
    ['a numeric georel', { georel: 5, geometry: 'Point', coordinates: [1, 2] }, 'geoQ.georel: must be a string'],
    ['a misspelt member', { georel: 'within', geometry: 'Point', coordinates: [1, 2], geoProperty: 'x' }, 'geoQ: unknown member "geoProperty"'],
    ['an unclosed polygon', { georel: 'within', geometry: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, 'ring is not closed'],
    ['a string coordinate', { georel: 'within', geometry: 'Point', coordinates: ['135.49', 34.83] }, 'coordinates[0]: must be a finite number'],
  ])('rejects %s', (_name, obj, reason) => {
    expect(error(parseGeoQueryObject(obj))).toContain(reason);
  });
});

describe('geoToSql writes parameterised PostGIS without user values in the text', () => {
  const location = (_: string) => 'e.location';

  function sql(q: GeoQuery): { text: string; params: unknown[] } {
    const params = new SqlParams();
    return { text: geoToSql(q, { geometryOf: location, params }), params: params.values };
  }

  it('turns near;maxDistance into ST_DWithin on geography', () => {
    const { text, params } = sql(value(parseGeoQueryObject({ georel: 'near;maxDistance==1000', geometry: 'Point', coordinates: [135.49, 34.83] })));
    expect(text).toBe('ST_DWithin((e.location)::geography, (ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326))::geography, $2::float8)');
    expect(params).toEqual(['{"type":"Point","coordinates":[135.49,34.83]}', 1000]);
  });

  it('turns near;minDistance into NOT ST_DWithin', () => {
    const { text } = sql(value(parseGeoQueryObject({ georel: 'near;minDistance==10', geometry: 'Point', coordinates: [135.49, 34.83] })));
    expect(text).toMatch(/^NOT ST_DWithin\(/);
  });

  it('reuses one reference geometry parameter for a distance band', () => {
    const { text, params } = sql(value(parseGeoQueryObject({ georel: 'near;minDistance==10;maxDistance==20', geometry: 'Point', coordinates: [135.49, 34.83] })));
    expect(text).toContain('ST_DWithin(');
    expect(text).toContain(' AND NOT ST_DWithin(');
    expect(params).toHaveLength(3);
  });

  it.each([
    ['within', 'ST_Within'],
    ['contains', 'ST_Contains'],
    ['intersects', 'ST_Intersects'],
    ['overlaps', 'ST_Overlaps'],
    ['disjoint', 'ST_Disjoint'],
    ['equals', 'ST_Equals'],
  ])('turns %s into %s with the entity geometry first', (georel, fn) => {
    const { text } = sql(value(parseGeoQueryObject({ georel, geometry: 'Point', coordinates: [135.49, 34.83] })));
    expect(text).toBe(`${fn}(e.location, ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326))`);
  });

  it('never splices coordinates into the SQL text', () => {
    const { text } = sql(value(parseGeoQueryObject({ georel: 'within', geometry: 'Polygon', coordinates: [[[135.48, 34.82], [135.5, 34.82], [135.5, 34.84], [135.48, 34.82]]] })));
    expect(text).not.toContain('135');
  });
});

describe('geometryColumnFor maps a GeoProperty to its storage', () => {
  it.each([
    ['https://uri.etsi.org/ngsi-ld/location', 'e.location'],
    ['https://uri.etsi.org/ngsi-ld/observationSpace', 'e.observation_space'],
    ['https://uri.etsi.org/ngsi-ld/operationSpace', 'e.operation_space'],
  ])('uses the column for the core GeoProperty %s', (iri, column) => {
    const params = new SqlParams();
    expect(geometryColumnFor(iri, 'e', params)).toBe(column);
    expect(params.values).toEqual([]);
  });

  it('reads any other GeoProperty from attrs, with the IRI as a parameter', () => {
    const params = new SqlParams();
    const iri = "https://example.org/ns/served'Area";
    const text = geometryColumnFor(iri, 'e', params);
    expect(text).toContain("e.attrs -> $1::text -> 0 -> 'value'");
    expect(text).toContain("jsonb_typeof((e.attrs -> $1::text -> 0 -> 'value')) = 'object'");
    expect(text).not.toContain('served');
    expect(params.values).toEqual([iri]);
  });

  it('refuses a table alias that is not a plain identifier', () => {
    expect(() => geometryColumnFor('https://uri.etsi.org/ngsi-ld/location', 'e; DROP TABLE entity', new SqlParams())).toThrow('invalid table alias');
  });
});
