/**
 * Attribute updates in batches: `POST /entityOperations/upsert` of 100 existing entities (whole
 * entities, 5 attributes each: replace semantics, the IoT-agent pattern), four connections.
 * Request n updates the window of 100 consecutive stations starting at (100·n mod entities), so
 * concurrent requests never touch the same rows (no lock waits, no deadlocks).
 * Figures: batches/s, entities/s, attribute updates/s (= entities × 5).
 */
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, secs, type BenchContext } from './context.js';
import { ATTRS_PER_ENTITY, entityOf, UPSERT_PATH } from './dataset.js';

const upsertWindows: FactoryBuilder = (p, seed) => {
  const entities = Number(p['entities']);
  const batch = Number(p['batch']);
  return (seq): RequestSpec => {
    const first = (seq * batch) % entities;
    const version = 1 + Math.floor((seq * batch) / entities);
    const list: unknown[] = [];
    for (let k = 0; k < batch; k++) list.push(entityOf((first + k) % entities, version, seed));
    return { method: 'POST', path: UPSERT_PATH, body: JSON.stringify(list) };
  };
};

export const factories: Record<string, FactoryBuilder> = { upsertWindows };

export async function run(ctx: BenchContext, batch = 100, conns = 4): Promise<void> {
  const params = paramsName({ batch, attrs: ATTRS_PER_ENTITY, conns, entities: ctx.entities });
  const r = await runJob(ctx, {
    module: import.meta.url,
    factory: 'upsertWindows',
    params: { entities: ctx.entities, batch },
    seed: ctx.seed,
    concurrency: conns,
    seqStart: 0,
    warmup: { maxRequests: 200, maxSeconds: secs(ctx, 3) },
    measure: { maxRequests: 20_000, maxSeconds: secs(ctx, 10) },
    okStatus: [204],
    timeoutMs: 30_000,
  });
  recordResult(ctx, 'ingest-batch', params, r, {
    requestMetric: 'batches_per_s',
    derived: [
      { metric: 'entities_per_s', perRequest: batch },
      { metric: 'attr_updates_per_s', perRequest: batch * ATTRS_PER_ENTITY },
    ],
  });
}
