import { validateGeometry, MAX_POSITIONS } from '../../../src/context-broker/geo/index.js';

const square = [[[135.48, 34.82], [135.5, 34.82], [135.5, 34.84], [135.48, 34.84], [135.48, 34.82]]];

describe('validateGeometry accepts every RFC 7946 geometry type', () => {
  it.each([
    ['Point', { type: 'Point', coordinates: [135.49, 34.83] }],
    ['Point with altitude', { type: 'Point', coordinates: [135.49, 34.83, 42.5] }],
    ['Point on the limits', { type: 'Point', coordinates: [-180, 90] }],
    ['MultiPoint', { type: 'MultiPoint', coordinates: [[135.49, 34.83], [135.5, 34.84]] }],
    ['LineString', { type: 'LineString', coordinates: [[135.49, 34.83], [135.5, 34.84]] }],
    ['MultiLineString', { type: 'MultiLineString', coordinates: [[[135.49, 34.83], [135.5, 34.84]], [[135.4, 34.8], [135.41, 34.81]]] }],
    ['Polygon', { type: 'Polygon', coordinates: square }],
    ['Polygon with a hole', {
      type: 'Polygon',
      coordinates: [square[0], [[135.485, 34.825], [135.495, 34.825], [135.495, 34.835], [135.485, 34.825]]],
    }],
    ['MultiPolygon', { type: 'MultiPolygon', coordinates: [square, square] }],
    ['GeometryCollection', {
      type: 'GeometryCollection',
      geometries: [{ type: 'Point', coordinates: [135.49, 34.83] }, { type: 'Polygon', coordinates: square }],
    }],
    ['a geometry with a bbox', { type: 'Point', coordinates: [135.49, 34.83], bbox: [135.49, 34.83, 135.49, 34.83] }],
  ])('%s is valid', (_name, g) => {
    expect(validateGeometry(g)).toBeNull();
  });
});

describe('validateGeometry names the exact place and reason of a defect', () => {
  it.each([
    ['a non-object', 'Point', 'geometry: must be a JSON object'],
    ['an array', [1, 2], 'geometry: must be a JSON object'],
    ['a missing type', { coordinates: [1, 2] }, 'type: is missing or not a string'],
    ['an unknown type', { type: 'Circle', coordinates: [1, 2] }, 'type: "Circle" is not a GeoJSON geometry type'],
    ['missing coordinates', { type: 'Point' }, 'coordinates: is missing'],
    ['a position of one number', { type: 'Point', coordinates: [1] }, 'coordinates: a position must have 2 or 3 numbers, not 1'],
    ['a position of four numbers', { type: 'Point', coordinates: [1, 2, 3, 4] }, 'coordinates: a position must have 2 or 3 numbers, not 4'],
    ['a string coordinate', { type: 'Point', coordinates: ['135', 34] }, 'coordinates[0]: must be a finite number'],
    ['a null coordinate', { type: 'Point', coordinates: [135, null] }, 'coordinates[1]: must be a finite number'],
    ['longitude 181', { type: 'Point', coordinates: [181, 34] }, 'coordinates: longitude 181 is outside -180..180'],
    ['latitude -91', { type: 'MultiPoint', coordinates: [[1, 2], [3, -91]] }, 'coordinates[1]: latitude -91 is outside -90..90'],
    ['a one-position LineString', { type: 'LineString', coordinates: [[1, 2]] }, 'coordinates: a LineString needs at least 2 positions, not 1'],
    ['an empty MultiPoint', { type: 'MultiPoint', coordinates: [] }, 'coordinates: must not be empty'],
    ['an unclosed ring', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, 'coordinates[0][3]: ring is not closed'],
    ['a ring of three positions', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] }, 'coordinates[0]: a linear ring needs at least 4 positions, not 3'],
    ['an unclosed ring in a MultiPolygon', {
      type: 'MultiPolygon',
      coordinates: [square, [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]]],
    }, 'coordinates[1][0][4]: ring is not closed'],
    ['a Polygon given a single position', { type: 'Polygon', coordinates: [1, 2] }, 'coordinates: nesting is too shallow'],
    ['a Point given a ring', { type: 'Point', coordinates: [[1, 2]] }, 'coordinates: nesting is too deep'],
    ['a LineString given rings', { type: 'LineString', coordinates: square }, 'coordinates: nesting is too deep'],
    ['mixed 2D and 3D positions', { type: 'LineString', coordinates: [[1, 2], [3, 4, 5]] }, 'coordinates[1]: position has 3 numbers but earlier positions have 2'],
    ['a bad bbox', { type: 'Point', coordinates: [1, 2], bbox: [1, 2] }, 'bbox: must be an array of 4 or 6 finite numbers'],
    ['a bad member of a collection', {
      type: 'GeometryCollection',
      geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'Point', coordinates: [1, 95] }],
    }, 'geometries[1].coordinates: latitude 95 is outside -90..90'],
    ['a nested collection', {
      type: 'GeometryCollection',
      geometries: [{ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] }],
    }, 'geometries[0].type: a GeometryCollection must not contain another GeometryCollection'],
    ['a collection with coordinates', { type: 'GeometryCollection', coordinates: [1, 2] }, 'coordinates: a GeometryCollection has "geometries"'],
  ])('rejects %s', (_name, g, reason) => {
    expect(validateGeometry(g)).toContain(reason);
  });

  it('rejects NaN and Infinity, which JSON cannot carry but JavaScript callers can', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [Number.NaN, 1] })).toBe('coordinates[0]: must be a finite number');
    expect(validateGeometry({ type: 'Point', coordinates: [1, Number.POSITIVE_INFINITY] })).toBe('coordinates[1]: must be a finite number');
  });

  it('refuses a geometry with more positions than the limit instead of handing it to PostGIS', () => {
    const many = Array.from({ length: MAX_POSITIONS + 1 }, (_, i) => [135 + (i % 1000) / 1000, 34]);
    expect(validateGeometry({ type: 'MultiPoint', coordinates: many })).toContain('too many positions');
  });

  it('survives hostile nesting depth without a stack overflow', () => {
    let deep: unknown = [1, 2];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(validateGeometry({ type: 'MultiPolygon', coordinates: deep })).toContain('nesting is too deep');
  });
});
