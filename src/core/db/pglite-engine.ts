/** The embedded engine: PGlite (+PostGIS) running in a worker thread, data in a local folder. */
import { Worker } from 'node:worker_threads';
import type { QueryResult, SqlEngine, SqlExecutor } from './engine.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './pglite-protocol.js';
import { SqlError } from './sql-error.js';

type Pending = { resolve: (r: WorkerResponse) => void };
type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

/** Starts the worker thread (plain JavaScript, the same file from src/ and dist/). */
function spawnWorker(init: WorkerInit): Worker {
  return new Worker(new URL('./pglite-worker.js', import.meta.url), { workerData: init });
}

export interface PgliteOptions {
  /** Folder for the data; undefined keeps everything in memory (tests). */
  dataDir: string | undefined;
  postgis?: boolean;
}

export class PgliteEngine implements SqlEngine {
  readonly kind = 'pglite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTx = 1;
  private closed = false;
  private exitError: SqlError | undefined;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (p) {
        this.pending.delete(res.id);
        p.resolve(res);
      }
    });
    worker.on('error', (err) => this.failAll(new SqlError(`embedded database worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new SqlError(`embedded database worker exited (code ${code})`));
    });
  }

  /** Starts the worker and waits until the database is open (and PostGIS loaded). */
  static async open(options: PgliteOptions): Promise<PgliteEngine> {
    const worker = spawnWorker({ dataDir: options.dataDir, postgis: options.postgis ?? true });
    let cleanup = () => {};
    const ready = await new Promise<WorkerResponse>((resolve, reject) => {
      const onExit = (code: number) => reject(new SqlError(`embedded database worker exited during start (code ${code})`));
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', onExit);
      // Only our own start-up listeners go; removeAllListeners would also drop the worker's internal ones.
      cleanup = () => {
        worker.off('message', resolve);
        worker.off('error', reject);
        worker.off('exit', onExit);
      };
    }).finally(() => cleanup());
    if (!ready.ok) {
      await worker.terminate();
      throw new SqlError(`cannot open the embedded database: ${ready.error.message}`, ready.error);
    }
    return new PgliteEngine(worker);
  }

  private failAll(err: SqlError): void {
    this.exitError = err;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ id, ok: false, error: { message: err.message } });
    }
  }

  private async send(req: DistributiveOmit<WorkerRequest, 'id'>): Promise<QueryResult<Record<string, unknown>>> {
    if (this.exitError) throw this.exitError;
    if (this.closed && req.op !== 'close') throw new SqlError('the embedded database is closed');
    const id = this.nextId++;
    const res = await new Promise<WorkerResponse>((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ ...req, id });
    });
    if (!res.ok) throw new SqlError(res.error.message, res.error);
    return { rows: res.rows, rowCount: res.rowCount };
  }

  async query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return (await this.send({ op: 'query', tx: 0, sql: text, params })) as QueryResult<R>;
  }

  async exec(script: string): Promise<void> {
    await this.send({ op: 'exec', tx: 0, sql: script });
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const tx = this.nextTx++;
    await this.send({ op: 'begin', tx });
    const executor: SqlExecutor = {
      query: async <R>(text: string, params: readonly unknown[] = []) =>
        (await this.send({ op: 'query', tx, sql: text, params })) as QueryResult<R>,
    };
    try {
      const result = await fn(executor);
      await this.send({ op: 'commit', tx });
      return result;
    } catch (err) {
      await this.send({ op: 'rollback', tx }).catch(() => undefined);
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.exitError) await this.send({ op: 'close', tx: 0 }).catch(() => undefined);
    await this.worker.terminate();
  }
}
