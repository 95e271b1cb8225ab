/**
 * `GET /entities?type=AirQualityObserved&q=…` with the default limit (20), one connection, so the
 * figures are latencies: a selective q (`temperature>38`, ≈1 % of entities), a non-selective one
 * (`temperature>0`, ≈93 %) and a rare one (`temperature>50`, ≈0.02 %: fewer matches than the page,
 * so an index walk in id order has to read every row). Before measuring, one `count=true` request
 * records how many match.
 */
import type { FactoryBuilder, RequestSpec } from '../load/protocol.js';
import { paramsName } from '../lib/report.js';
import { recordResult, runJob, secs, type BenchContext } from './context.js';
import { countEntities, TYPE } from './dataset.js';

export const QUERIES = [
  { name: 'selective', q: 'temperature>38' },
  { name: 'non-selective', q: 'temperature>0' },
  { name: 'rare', q: 'temperature>50' },
] as const;

const typeQ: FactoryBuilder = (p) => {
  const path = `/ngsi-ld/v1/entities?type=${TYPE}&q=${encodeURIComponent(String(p['q']))}`;
  return (): RequestSpec => ({ method: 'GET', path });
};

export const factories: Record<string, FactoryBuilder> = { typeQ };

export async function run(ctx: BenchContext, conns = 1): Promise<void> {
  for (const { name, q } of QUERIES) {
    const params = paramsName({ q, selectivity: name, limit: 20, conns, entities: ctx.entities, rewrites: ctx.rewrites });
    const matches = await countEntities(ctx, `&q=${encodeURIComponent(q)}`);
    ctx.record({ scenario: 'query-type-q', params, metric: 'matches', value: matches, unit: 'count' });
    const r = await runJob(ctx, {
      module: import.meta.url,
      factory: 'typeQ',
      params: { q },
      seed: ctx.seed,
      concurrency: conns,
      seqStart: 0,
      warmup: { maxRequests: 10, maxSeconds: secs(ctx, 5) },
      measure: { maxRequests: 400, maxSeconds: secs(ctx, 15) },
      okStatus: [200],
      timeoutMs: 60_000,
    });
    recordResult(ctx, 'query-type-q', params, r, { requestMetric: 'requests_per_s' });
  }
}
