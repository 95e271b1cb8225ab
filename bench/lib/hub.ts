/** Starts and stops the hub under test as a child process, and asks it small questions. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type EngineName = 'pglite' | 'postgres';

export interface HubOptions {
  /** Folder holding src/ (or dist/) and node_modules of the tree under test. */
  hubDir: string;
  /** Run dist/cli/main.js (after `npm run build`) instead of src/cli/main.ts through tsx. */
  useDist: boolean;
  engine: EngineName;
  dataDir: string;
  databaseUrl?: string;
  /** Extra environment for the hub (e.g. TSUNAGU_MAX_BATCH_SIZE). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Extra node options for the hub process (e.g. --max-semi-space-size=32). */
  nodeArgs?: string[];
  /** Write V8 CPU profiles of the hub (main thread and workers) into this folder on exit. */
  cpuProfileDir?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export class Hub {
  private stderrTail = '';

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly options: HubOptions,
  ) {
    child.stderr?.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-4000);
    });
    child.stdout?.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-4000);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get log(): string {
    return this.stderrTail;
  }

  /** Starts `tsunagu start broker` on a free port and waits until /ready answers 200. */
  static async start(o: HubOptions): Promise<Hub> {
    const port = await freePort();
    const prof = o.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfileDir] : [];
    const entry = o.useDist ? [join(o.hubDir, 'dist/cli/main.js')] : ['--import', 'tsx', join(o.hubDir, 'src/cli/main.ts')];
    const args = [...(o.nodeArgs ?? []), ...prof, ...entry, 'start', 'broker', '--port', String(port), '--host', '127.0.0.1', '--data-dir', o.dataDir, '--log-level', 'warn'];
    const env: Record<string, string | undefined> = { ...process.env, ...o.env };
    for (const k of Object.keys(env)) if (k.startsWith('TSUNAGU_') && !(o.env && k in o.env)) delete env[k];
    if (o.databaseUrl) env['TSUNAGU_DATABASE_URL'] = o.databaseUrl;
    const child = spawn(process.execPath, args, { cwd: o.hubDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const hub = new Hub(child, port, o);
    const deadline = Date.now() + (o.readyTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hub exited during start (${child.exitCode ?? child.signalCode}):\n${hub.log}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) return hub;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    child.kill('SIGKILL');
    throw new Error(`hub not ready after ${Math.round((o.readyTimeoutMs ?? 180_000) / 1000)} s:\n${hub.log}`);
  }

  /** GET a path on the hub (127.0.0.1 only) and parse the JSON answer. */
  async getJson(path: string): Promise<{ status: number; headers: Headers; body: unknown }> {
    const r = await fetch(`http://127.0.0.1:${this.port}${path}`, { signal: AbortSignal.timeout(120_000) });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Resident memory of the hub process, MB (NaN off Linux). */
  rssMb(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(t);
  }
}

/** Bytes under a folder (the embedded database's size on disk). */
export function folderBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return Number.NaN;
  }
  for (const n of names) {
    const p = join(dir, n);
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) continue;
    total += s.isDirectory() ? folderBytes(p) : s.size;
  }
  return total;
}
