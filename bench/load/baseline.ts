/** The `baseline-http` scenario: bench/load/baseline-server.ts under the get-by-id load (see there). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/hub.js';
import { paramsName } from '../lib/report.js';
import type { FactoryBuilder } from './protocol.js';
import { LoadClient } from './client.js';
import { recordResult, runJob, secs, type BenchContext } from '../broker/context.js';

const fixed: FactoryBuilder = () => () => ({ method: 'GET', path: '/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:bench-0000001' });
export const factories: Record<string, FactoryBuilder> = { fixed };

/** Starts the bare server, measures it like get-by-id, stops it. `ctx.hub` is not used. */
export async function run(ctx: Omit<BenchContext, 'hub' | 'load' | 'engine'>, conns = 16, seconds = 10): Promise<void> {
  const port = await freePort();
  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./baseline-server.ts', import.meta.url)), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('baseline server did not start within 30 s')), 30_000);
      server.stdout!.on('data', (b: Buffer) => {
        if (b.toString().includes('listening')) {
          clearTimeout(t);
          resolve();
        }
      });
      server.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
    });
    const load = LoadClient.start(port, server.pid!);
    try {
      const full = { ...ctx, load, engine: 'pglite', hub: undefined } as unknown as BenchContext;
      const r = await runJob(full, {
        module: import.meta.url,
        factory: 'fixed',
        params: {},
        seed: ctx.seed,
        concurrency: conns,
        seqStart: 0,
        warmup: { maxRequests: 20_000, maxSeconds: secs(full, 3) },
        measure: { maxRequests: 500_000, maxSeconds: secs(full, seconds) },
        okStatus: [200],
        timeoutMs: 30_000,
      });
      recordResult(full, 'baseline-http', paramsName({ server: 'node:http', conns }), r, { requestMetric: 'requests_per_s' });
    } finally {
      await load.stop();
    }
  } finally {
    server.kill('SIGTERM');
  }
}
