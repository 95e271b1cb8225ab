/** The orchestrator's side of the load generator: forks bench/load/generator.ts and hands it jobs. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GeneratorMessage, LoadJob, LoadResult } from './protocol.js';

export type JobSpec = Omit<LoadJob, 'id' | 'port' | 'hubPid' | 'postmasterPid'>;

export class LoadClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
    private readonly hubPid: number,
    private readonly postmasterPid: number | undefined,
  ) {
    child.on('message', (m: GeneratorMessage) => {
      const id = m.kind === 'result' ? m.result.id : m.id;
      const w = this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id);
      if (m.kind === 'result') w.resolve(m.result);
      else w.reject(new Error(`load generator: ${m.message}`));
    });
    child.on('exit', (code) => {
      for (const [id, w] of this.waiting) {
        this.waiting.delete(id);
        w.reject(new Error(`load generator exited (code ${code})`));
      }
    });
  }

  /** Starts the generator process for a hub listening on 127.0.0.1:port. */
  static start(port: number, hubPid: number, postmasterPid?: number): LoadClient {
    const file = fileURLToPath(new URL('./generator.ts', import.meta.url));
    const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new LoadClient(child, port, hubPid, postmasterPid);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs one job; rejects (and kills the generator) if it overruns its own limits by far. */
  run(spec: JobSpec): Promise<LoadResult> {
    const job: LoadJob = { ...spec, id: this.nextId++, port: this.port, hubPid: this.hubPid, ...(this.postmasterPid !== undefined ? { postmasterPid: this.postmasterPid } : {}) };
    const budgetMs = (spec.warmup.maxSeconds + spec.measure.maxSeconds) * 1000 + 2 * spec.timeoutMs + 30_000;
    return new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(job.id);
        this.child.kill('SIGKILL');
        reject(new Error(`load job ${spec.factory} did not finish within ${Math.round(budgetMs / 1000)} s`));
      }, budgetMs);
      this.waiting.set(job.id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send(job);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}
