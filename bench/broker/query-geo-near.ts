/**
 * `GET /entities?type=AirQualityObserved&georel=near;maxDistance==500&geometry=Point&coordinates=…`
 * around random points of Toyono (seeded, kept 0.005° inside the box), default limit, one connection.
 * Before measuring, one `count=true` request around the middle of the box records how many match.
 */
import { rngFor } from '../lib/rng.js';
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, secs, type BenchContext } from './context.js';
import { BBOX, countEntities, TYPE } from './dataset.js';

const nearPath = (lon: number, lat: number, maxDistance: number): string =>
  `/ngsi-ld/v1/entities?${new URLSearchParams({
    type: TYPE,
    georel: `near;maxDistance==${maxDistance}`,
    geometry: 'Point',
    coordinates: `[${lon.toFixed(6)},${lat.toFixed(6)}]`,
  }).toString()}`;

const near: FactoryBuilder = (p, seed) => {
  const maxDistance = Number(p['maxDistance']);
  const inset = 0.005;
  return (seq): RequestSpec => {
    const r = rngFor(seed, 30, seq);
    return { method: 'GET', path: nearPath(r.range(BBOX.west + inset, BBOX.east - inset), r.range(BBOX.south + inset, BBOX.north - inset), maxDistance) };
  };
};

export const factories: Record<string, FactoryBuilder> = { near };

export async function run(ctx: BenchContext, maxDistance = 500, conns = 1): Promise<void> {
  const params = paramsName({ georel: 'near', maxDistance, limit: 20, conns, entities: ctx.entities, rewrites: ctx.rewrites });
  const mid = nearPath((BBOX.west + BBOX.east) / 2, (BBOX.south + BBOX.north) / 2, maxDistance).replace(/^[^?]*\?type=[^&]*/, '');
  ctx.record({ scenario: 'query-geo-near', params, metric: 'matches_mid', value: await countEntities(ctx, mid), unit: 'count' });
  const r = await runJob(ctx, {
    module: import.meta.url,
    factory: 'near',
    params: { maxDistance },
    seed: ctx.seed,
    concurrency: conns,
    seqStart: 0,
    warmup: { maxRequests: 20, maxSeconds: secs(ctx, 5) },
    measure: { maxRequests: 500, maxSeconds: secs(ctx, 15) },
    okStatus: [200],
    timeoutMs: 60_000,
  });
  recordResult(ctx, 'query-geo-near', params, r, { requestMetric: 'requests_per_s' });
}
