/**
 * `GET /entities/{id}` of random stations (seeded), 16 connections, about 10 s after a 3 s warm-up.
 * Figures: requests/s and latency percentiles.
 */
import { rngFor } from '../lib/rng.js';
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, secs, type BenchContext } from './context.js';
import { entityId } from './dataset.js';

const getById: FactoryBuilder = (p, seed) => {
  const entities = Number(p['entities']);
  return (seq): RequestSpec => ({ method: 'GET', path: `/ngsi-ld/v1/entities/${entityId(rngFor(seed, 20, seq).int(entities))}` });
};

export const factories: Record<string, FactoryBuilder> = { getById };

export async function run(ctx: BenchContext, conns = 16, seconds = 10): Promise<void> {
  const r = await runJob(ctx, {
    module: import.meta.url,
    factory: 'getById',
    params: { entities: ctx.entities },
    seed: ctx.seed,
    concurrency: conns,
    seqStart: 0,
    warmup: { maxRequests: 20_000, maxSeconds: secs(ctx, 3) },
    measure: { maxRequests: 500_000, maxSeconds: secs(ctx, seconds) },
    okStatus: [200],
    timeoutMs: 30_000,
  });
  recordResult(ctx, 'get-by-id', paramsName({ conns, entities: ctx.entities }), r, { requestMetric: 'requests_per_s' });
}
