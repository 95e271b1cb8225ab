/**
 * The data set: AirQualityObserved stations scattered over Toyono, Osaka (135.40–135.55 E,
 * 34.78–34.90 N), each with four measured Properties and a location — five attributes. Every value
 * comes from a seeded stream keyed by (entity, version), so runs load identical data.
 *
 * temperature ~ N(15, 10) °C, so `temperature>38` matches about 1.1 % (selective),
 * `temperature>0` about 93 % (non-selective) and `temperature>50` about 0.02 % (rare) of the entities.
 *
 * Also the load step (`load`: upserts of new entities in batches of 1000) and the rewrite step
 * (`rewrite`: every entity upserted once more, in batches of 1000).
 */
import { rngFor } from '../lib/rng.js';
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, type BenchContext } from './context.js';

export const TYPE = 'AirQualityObserved';
export const BBOX = { west: 135.4, east: 135.55, south: 34.78, north: 34.9 } as const;
/** Attributes per entity (temperature, relativeHumidity, NO2, PM10, location). */
export const ATTRS_PER_ENTITY = 5;
/** The measured attributes only (what a sensor update sends). */
export const MEASURES_PER_ENTITY = 4;
export const UPSERT_PATH = '/ngsi-ld/v1/entityOperations/upsert';

const T0 = Date.parse('2026-11-25T00:00:00Z');

export const entityId = (i: number): string => `urn:ngsi-ld:${TYPE}:bench-${String(i).padStart(7, '0')}`;

/** Where station i stands (fixed for the station). */
export function locationOf(i: number, seed: number): [number, number] {
  const r = rngFor(seed, 1, i);
  return [round(r.range(BBOX.west, BBOX.east), 6), round(r.range(BBOX.south, BBOX.north), 6)];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The four measured Properties of station i at a given version (one version a minute). */
export function measuresOf(i: number, version: number, seed: number): Record<string, unknown> {
  const r = rngFor(seed, 2, i, version);
  const observedAt = new Date(T0 + version * 60_000).toISOString();
  return {
    temperature: { type: 'Property', value: round(r.gauss(15, 10), 1), unitCode: 'CEL', observedAt },
    relativeHumidity: { type: 'Property', value: round(r.range(0.2, 1), 2), unitCode: 'P1', observedAt },
    NO2: { type: 'Property', value: round(r.range(0, 80), 1), unitCode: 'GQ', observedAt },
    PM10: { type: 'Property', value: round(r.range(0, 60), 1), unitCode: 'GQ', observedAt },
  };
}

/** The whole entity (normalized NGSI-LD, default @context). */
export function entityOf(i: number, version: number, seed: number): Record<string, unknown> {
  return {
    id: entityId(i),
    type: TYPE,
    ...measuresOf(i, version, seed),
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: locationOf(i, seed) } },
  };
}

/** Upsert of `batch` consecutive entities per request (at `version`), starting at `from` (request seq covers from+seq·batch …). */
const upsertRange: FactoryBuilder = (p, seed) => {
  const from = Number(p['from']);
  const batch = Number(p['batch']);
  const version = Number(p['version'] ?? 0);
  return (seq): RequestSpec => {
    const list: unknown[] = [];
    for (let i = from + seq * batch; i < from + (seq + 1) * batch; i++) list.push(entityOf(i, version, seed));
    return { method: 'POST', path: UPSERT_PATH, body: JSON.stringify(list) };
  };
};

export const factories: Record<string, FactoryBuilder> = { upsertRange };

/** How many entities of the type the broker holds (count=true, limit=0). */
export async function countEntities(ctx: BenchContext, query = ''): Promise<number> {
  const r = await ctx.hub.getJson(`/ngsi-ld/v1/entities?type=${TYPE}&limit=0&count=true${query}`);
  if (r.status !== 200) throw new Error(`count query answered ${r.status}: ${JSON.stringify(r.body)}`);
  return Number(r.headers.get('ngsild-results-count'));
}

/** Grows the data set to `to` entities with new-entity upserts of 1000, two connections. */
export async function loadTo(ctx: BenchContext, to: number): Promise<void> {
  const batch = 1000;
  const from = ctx.entities;
  if (to <= from) return;
  if ((to - from) % batch !== 0) throw new Error(`load: ${to - from} entities is not a multiple of ${batch}`);
  const requests = (to - from) / batch;
  const params = paramsName({ batch, attrs: ATTRS_PER_ENTITY, conns: 2, from, to });
  ctx.log(`load ${from} → ${to} entities`);
  const r = await runJob(ctx, {
    module: import.meta.url,
    factory: 'upsertRange',
    params: { from, batch },
    seed: ctx.seed,
    concurrency: 2,
    seqStart: 0,
    warmup: { maxRequests: 0, maxSeconds: 0 },
    measure: { maxRequests: requests, maxSeconds: 900 },
    okStatus: [201],
    timeoutMs: 120_000,
  }, false); // creates: not repeatable
  recordResult(ctx, 'load', params, r, { requestMetric: 'batches_per_s', derived: [{ metric: 'entities_per_s', perRequest: batch }] });
  const n = await countEntities(ctx);
  if (n !== to) throw new Error(`load: the broker holds ${n} ${TYPE} entities, expected ${to} (${r.failed} failed requests; ${r.firstFailure ?? ''})`);
  ctx.entities = to;
}

/**
 * Rewrites every entity once (whole-entity upserts of 1000, two connections, new values): the
 * state of a broker whose stations have all reported again. Each rewrite leaves one old row version
 * per entity behind until a VACUUM removes it — PostgreSQL's autovacuum does; PGlite has none.
 */
export async function rewriteAll(ctx: BenchContext): Promise<void> {
  const batch = 1000;
  const params = paramsName({ batch, attrs: ATTRS_PER_ENTITY, conns: 2, entities: ctx.entities });
  ctx.log(`rewrite all ${ctx.entities} entities`);
  const r = await runJob(ctx, {
    module: import.meta.url,
    factory: 'upsertRange',
    params: { from: 0, batch, version: 1000 + ctx.rewrites },
    seed: ctx.seed,
    concurrency: 2,
    seqStart: 0,
    warmup: { maxRequests: 0, maxSeconds: 0 },
    measure: { maxRequests: ctx.entities / batch, maxSeconds: 900 },
    okStatus: [204],
    timeoutMs: 120_000,
  }, false); // the count of rewrites must stay exact
  recordResult(ctx, 'rewrite', params, r, {
    requestMetric: 'batches_per_s',
    derived: [
      { metric: 'entities_per_s', perRequest: batch },
      { metric: 'attr_updates_per_s', perRequest: batch * ATTRS_PER_ENTITY },
    ],
  });
  if (r.ok !== ctx.entities / batch) throw new Error(`rewrite: ${r.ok} of ${ctx.entities / batch} batches succeeded (${r.firstFailure ?? ''})`);
  ctx.rewrites++;
}
