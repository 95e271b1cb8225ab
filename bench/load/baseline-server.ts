/**
 * The floor of this machine: a bare node:http server answering every GET with the JSON of one bench
 * entity (as the broker would send it), no framework, no database. The `baseline-http` scenario
 * drives it with the same generator and connections as `get-by-id`, so the two can be compared:
 * what the broker costs on top of HTTP on loopback.
 *
 *   node --import tsx bench/load/baseline-server.ts PORT   (prints "listening" when ready)
 */
import http from 'node:http';

const body = JSON.stringify({
  id: 'urn:ngsi-ld:AirQualityObserved:bench-0000001',
  type: 'AirQualityObserved',
  temperature: { type: 'Property', value: 12.5, unitCode: 'CEL', observedAt: '2026-11-25T00:00:00.000Z' },
  relativeHumidity: { type: 'Property', value: 0.55, unitCode: 'P1', observedAt: '2026-11-25T00:00:00.000Z' },
  NO2: { type: 'Property', value: 31.2, unitCode: 'GQ', observedAt: '2026-11-25T00:00:00.000Z' },
  PM10: { type: 'Property', value: 18.4, unitCode: 'GQ', observedAt: '2026-11-25T00:00:00.000Z' },
  location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [135.4936, 34.8318] } },
});

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
