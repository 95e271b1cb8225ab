/** What every broker scenario gets from the orchestrator, and the figures every load job yields. */
import type { EngineName, Hub } from '../lib/hub.js';
import type { JobSpec, LoadClient } from '../load/client.js';
import type { LoadResult } from '../load/protocol.js';
import { machineBusyCores } from '../lib/cpu.js';

export interface ScenarioRow {
  scenario: string;
  params: string;
  metric: string;
  value: number;
  unit: string;
}

export interface BenchContext {
  hub: Hub;
  load: LoadClient;
  engine: EngineName;
  seed: number;
  /** Entities of the data set now in the broker (ids 0 … entities-1). */
  entities: number;
  /** How many times every entity has been rewritten since it was loaded (old row versions left behind). */
  rewrites: number;
  /** Multiplies every measurement time (1 = full run, smaller for --quick). */
  timeScale: number;
  record(row: ScenarioRow): void;
  log(message: string): void;
}

/** Seconds scaled for --quick, never below one. */
export const secs = (ctx: BenchContext, s: number): number => Math.max(1, Math.round(s * ctx.timeScale));

/**
 * Cores that other processes may use while we measure before the figure counts as disturbed. The
 * machine is shared (2 cores): a test suite running beside the bench halves its figures.
 */
export const DISTURBED_CORES = 0.25;

/** Waits (at most `maxSeconds`) until the machine is quiet; says so when it had to wait. */
async function waitForQuiet(ctx: BenchContext, maxSeconds = 60): Promise<void> {
  const deadline = performance.now() + maxSeconds * 1000;
  let busy = await machineBusyCores(500);
  if (busy <= DISTURBED_CORES) return;
  ctx.log(`  (machine busy: ${busy.toFixed(2)} cores used by others; waiting up to ${maxSeconds} s)`);
  while (busy > DISTURBED_CORES && performance.now() < deadline) busy = await machineBusyCores(2000);
  if (busy > DISTURBED_CORES) ctx.log(`  (still ${busy.toFixed(2)} cores busy; measuring anyway — see cpu_other)`);
}

/**
 * Runs a job after waiting for a quiet machine. A job disturbed by other processes (`cores.other`
 * above DISTURBED_CORES) runs once more when `retry` allows (the job must be repeatable), and the
 * less disturbed of the two results is kept.
 */
export async function runJob(ctx: BenchContext, spec: JobSpec, retry = true): Promise<LoadResult> {
  await waitForQuiet(ctx);
  let r = await ctx.load.run(spec);
  if (retry && r.cores.other > DISTURBED_CORES) {
    ctx.log(`  (${spec.factory}: other processes used ${r.cores.other.toFixed(2)} cores while measuring; running it again)`);
    await waitForQuiet(ctx);
    const again = await ctx.load.run(spec);
    if (again.cores.other < r.cores.other) r = again;
  }
  if (r.failed > 0) ctx.log(`  ! ${spec.factory}: ${r.failed} failed requests (${JSON.stringify(r.statuses)}); first: ${r.firstFailure ?? '?'}`);
  return r;
}

export interface Throughput {
  /** Metric name and unit for requests per second (e.g. "batches" per s). */
  requestMetric: string;
  /** Extra rates derived from requests per second: e.g. entities/s = 100 × batches/s. */
  derived?: Array<{ metric: string; perRequest: number }>;
}

/** Records the standard figures of a load job: rates, latency percentiles, errors and cores used. */
export function recordResult(ctx: BenchContext, scenario: string, params: string, r: LoadResult, t: Throughput): void {
  const rec = (metric: string, value: number, unit: string) => ctx.record({ scenario, params, metric, value, unit });
  rec(t.requestMetric, r.perSecond, '1/s');
  for (const d of t.derived ?? []) rec(d.metric, r.perSecond * d.perRequest, '1/s');
  rec('latency_p50', r.latency.p50, 'ms');
  rec('latency_p95', r.latency.p95, 'ms');
  rec('latency_p99', r.latency.p99, 'ms');
  rec('requests', r.ok, 'count');
  rec('errors', r.failed, 'count');
  rec('seconds', r.seconds, 's');
  rec('cpu_hub', r.cores.hub, 'cores');
  rec('cpu_hub_main', r.cores.hubMain, 'cores');
  rec('cpu_postgres', r.cores.postgres, 'cores');
  rec('cpu_loadgen', r.cores.loadgen, 'cores');
  rec('cpu_machine', r.cores.machine, 'cores');
  rec('cpu_other', r.cores.other, 'cores');
  // CPU time per request: steadier than rates on a shared machine, and says which side costs what.
  const perReq = (cores: number) => (r.perSecond > 0 ? (cores / r.perSecond) * 1e6 : Number.NaN);
  rec('cpu_per_req_hub', perReq(r.cores.hub), 'us');
  rec('cpu_per_req_hub_main', perReq(r.cores.hubMain), 'us');
  rec('cpu_per_req_postgres', perReq(r.cores.postgres), 'us');
  const p = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
  ctx.log(
    `  ${scenario} ${params}: ${r.perSecond.toFixed(1)} ${t.requestMetric.replace(/_per_s$/, '')}/s, p50 ${p(r.latency.p50)} ms, p95 ${p(r.latency.p95)} ms, ` +
      `p99 ${p(r.latency.p99)} ms, n=${r.ok}, errors=${r.failed}; cores hub ${p(r.cores.hub)} (main ${p(r.cores.hubMain)}) pg ${p(r.cores.postgres)} loadgen ${p(r.cores.loadgen)} other ${p(r.cores.other)}`,
  );
}

