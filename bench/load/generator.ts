/**
 * The load generator: a process of its own (forked by bench/load/client.ts), so its CPU time is
 * not the hub's and can be measured apart. It receives one LoadJob at a time over IPC, runs
 * `concurrency` request loops over keep-alive HTTP/1.1 connections to 127.0.0.1 (warm-up first,
 * then measurement; each phase bounded in request count and in time) and answers a LoadResult.
 */
import http from 'node:http';
import { coresBetween, sampleCpu } from '../lib/cpu.js';
import { summarise } from '../lib/stats.js';
import type { FactoryBuilder, GeneratorMessage, LoadJob, LoadResult, PhaseLimits, RequestFactory, RequestSpec } from './protocol.js';

interface Outcome {
  status: number;
  ms: number;
  detail?: string;
}

function send(agent: http.Agent, port: number, spec: RequestSpec, timeoutMs: number, keepBody: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    let done = false;
    const finish = (o: Outcome) => {
      if (!done) {
        done = true;
        resolve(o);
      }
    };
    const req = http.request({ host: '127.0.0.1', port, method: spec.method, path: spec.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (keepBody) chunks.push(c);
      });
      res.on('end', () => finish({ status: res.statusCode ?? 0, ms: performance.now() - t0, detail: keepBody ? Buffer.concat(chunks).toString('utf8', 0, 500) : undefined }));
      res.on('error', (err) => finish({ status: 0, ms: performance.now() - t0, detail: err.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => finish({ status: 0, ms: performance.now() - t0, detail: err.message }));
    req.end(spec.body);
  });
}

interface PhaseStats {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  firstFailure?: string;
  latencies: Float64Array;
  seconds: number;
  seqEnd: number;
}

async function phase(job: LoadJob, make: RequestFactory, agent: http.Agent, limits: PhaseLimits, seqStart: number, record: boolean): Promise<PhaseStats> {
  const ok = new Set(job.okStatus);
  const stats: PhaseStats = { ok: 0, failed: 0, statuses: {}, latencies: new Float64Array(record ? limits.maxRequests : 0), seconds: 0, seqEnd: seqStart };
  if (limits.maxRequests <= 0 || limits.maxSeconds <= 0) return stats;
  let issued = 0;
  const start = performance.now();
  const deadline = start + limits.maxSeconds * 1000;
  const loop = async () => {
    while (issued < limits.maxRequests && performance.now() < deadline) {
      const seq = seqStart + issued++;
      const o = await send(agent, job.port, make(seq), job.timeoutMs, false);
      if (ok.has(o.status)) {
        if (record) stats.latencies[stats.ok] = o.ms;
        stats.ok++;
      } else {
        stats.failed++;
        if (stats.firstFailure === undefined) {
          // Send it again keeping the body, so the report says why (only for the first failure).
          const again = await send(agent, job.port, make(seq), job.timeoutMs, true);
          stats.firstFailure = `${make(seq).method} ${make(seq).path.slice(0, 200)} → ${o.status} ${o.detail ?? ''} (again: ${again.status} ${again.detail ?? ''})`;
        }
      }
      if (record) {
        const key = o.status === 0 ? 'error' : String(o.status);
        stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  stats.seconds = (performance.now() - start) / 1000;
  stats.seqEnd = seqStart + issued;
  return stats;
}

const builders = new Map<string, Record<string, FactoryBuilder>>();

async function runJob(job: LoadJob): Promise<LoadResult> {
  let mod = builders.get(job.module);
  if (!mod) {
    mod = ((await import(job.module)) as { factories: Record<string, FactoryBuilder> }).factories;
    builders.set(job.module, mod);
  }
  const build = mod[job.factory];
  if (!build) throw new Error(`${job.module} has no request factory ${job.factory}`);
  const make = build(job.params, job.seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  try {
    const warm = await phase(job, make, agent, job.warmup, job.seqStart, false);
    const before = sampleCpu(job.hubPid, job.postmasterPid);
    const m = await phase(job, make, agent, job.measure, warm.seqEnd, true);
    const after = sampleCpu(job.hubPid, job.postmasterPid);
    const firstFailure = m.firstFailure ?? (warm.firstFailure !== undefined ? `(warm-up) ${warm.firstFailure}` : undefined);
    return {
      id: job.id,
      ok: m.ok,
      failed: m.failed,
      statuses: m.statuses,
      ...(firstFailure !== undefined ? { firstFailure } : {}),
      seconds: m.seconds,
      perSecond: m.seconds > 0 ? m.ok / m.seconds : 0,
      latency: summarise(m.latencies, m.ok),
      cores: coresBetween(before, after),
      seqEnd: m.seqEnd,
      warmupRequests: warm.seqEnd - job.seqStart,
    };
  } finally {
    agent.destroy();
  }
}

if (!process.send) {
  console.error('bench/load/generator.ts runs as a child of bench/run.ts (it takes jobs over IPC)');
  process.exit(2);
}
process.on('message', (job: LoadJob) => {
  runJob(job).then(
    (result) => process.send!({ kind: 'result', result } satisfies GeneratorMessage),
    (err: unknown) => process.send!({ kind: 'error', id: job.id, message: (err as Error).stack ?? String(err) } satisfies GeneratorMessage),
  );
});
// The orchestrator going away ends this process too.
process.on('disconnect', () => process.exit(0));
