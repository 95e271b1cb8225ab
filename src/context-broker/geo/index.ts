// Public surface of the geo folder: GeoJSON validation, geo-query parsing (clause 4.10) and its SQL.
export { validateGeometry, isCoordinateGeometryType, MAX_POSITIONS } from './geojson.js';
export type { GeoJsonGeometry, GeometryType, CoordinateGeometryType, Position } from './geojson.js';
export { parseGeoQueryParams, parseGeoQueryObject, parseGeorel, DEFAULT_GEOPROPERTY } from './geo-query.js';
export type { GeoQuery, Georel, Result } from './geo-query.js';
export { geoToSql, geometryColumnFor } from './geo-to-sql.js';
