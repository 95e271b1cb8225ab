/**
 * Attribute updates one entity per request, four connections, random stations (seeded):
 *  - `upsert-one`: `POST /entityOperations/upsert` with one whole entity (5 attributes);
 *  - `patch-attrs`: `PATCH /entities/{id}/attrs` with the 4 measured attributes.
 * Figures: requests/s and attribute updates/s.
 */
import { rngFor } from '../lib/rng.js';
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, secs, type BenchContext } from './context.js';
import { ATTRS_PER_ENTITY, MEASURES_PER_ENTITY, entityId, entityOf, measuresOf, UPSERT_PATH } from './dataset.js';

// Versions above any the batch scenario reaches in a run, so updates always carry a new observedAt.
const VERSION_BASE = 1_000_000;

const upsertOne: FactoryBuilder = (p, seed) => {
  const entities = Number(p['entities']);
  return (seq): RequestSpec => {
    const i = rngFor(seed, 10, seq).int(entities);
    return { method: 'POST', path: UPSERT_PATH, body: JSON.stringify([entityOf(i, VERSION_BASE + seq, seed)]) };
  };
};

const patchAttrs: FactoryBuilder = (p, seed) => {
  const entities = Number(p['entities']);
  return (seq): RequestSpec => {
    const i = rngFor(seed, 11, seq).int(entities);
    return { method: 'PATCH', path: `/ngsi-ld/v1/entities/${entityId(i)}/attrs`, body: JSON.stringify(measuresOf(i, VERSION_BASE + seq, seed)) };
  };
};

export const factories: Record<string, FactoryBuilder> = { upsertOne, patchAttrs };

export async function run(ctx: BenchContext, conns = 4): Promise<void> {
  const common = {
    module: import.meta.url,
    params: { entities: ctx.entities },
    seed: ctx.seed,
    concurrency: conns,
    seqStart: 0,
    warmup: { maxRequests: 2000, maxSeconds: secs(ctx, 2) },
    measure: { maxRequests: 200_000, maxSeconds: secs(ctx, 8) },
    okStatus: [204],
    timeoutMs: 30_000,
  };
  const upsert = await runJob(ctx, { ...common, factory: 'upsertOne' });
  recordResult(ctx, 'upsert-one', paramsName({ attrs: ATTRS_PER_ENTITY, conns, entities: ctx.entities }), upsert, {
    requestMetric: 'requests_per_s',
    derived: [{ metric: 'attr_updates_per_s', perRequest: ATTRS_PER_ENTITY }],
  });
  const patch = await runJob(ctx, { ...common, factory: 'patchAttrs' });
  recordResult(ctx, 'patch-attrs', paramsName({ attrs: MEASURES_PER_ENTITY, conns, entities: ctx.entities }), patch, {
    requestMetric: 'requests_per_s',
    derived: [{ metric: 'attr_updates_per_s', perRequest: MEASURES_PER_ENTITY }],
  });
}
