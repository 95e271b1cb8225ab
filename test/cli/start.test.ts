import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `tsunagu …` from source in a child process. */
function tsunagu(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, TSUNAGU_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's stderr and resolves with the hub URL once it says it listens. */
function started(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /NGSI-LD API at (http:\/\/[^/]+)\//.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`tsunagu exited with ${code} before listening: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('tsunagu start', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on embedded storage, stops cleanly on Ctrl-C, and finds its data again after a restart', async () => {
    const id = 'urn:ngsi-ld:Building:toyono-town-hall';
    const first = tsunagu(['start', '--port', '0', '--data-dir', dataDir]);
    const url = await started(first);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/ready`)).json()).toEqual({ status: 'ready' });
    const created = await fetch(`${url}/ngsi-ld/v1/entities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, type: 'Building', name: { type: 'Property', value: '豊能町役場' } }),
    });
    expect(created.status).toBe(201);
    const firstExit = exited(first);
    first.kill('SIGINT');
    expect((await firstExit).code).toBe(0);

    const second = tsunagu(['start', '--port', '0', '--data-dir', dataDir]);
    const url2 = await started(second);
    const back = await fetch(`${url2}/ngsi-ld/v1/entities/${encodeURIComponent(id)}?options=keyValues`);
    expect(await back.json()).toEqual({ id, type: 'Building', name: '豊能町役場' });
    const secondExit = exited(second);
    second.kill('SIGTERM');
    expect((await secondExit).code).toBe(0);
  }, 120_000);

  it('refuses a bad setting with a message naming it', async () => {
    const r = await exited(tsunagu(['start', '--port', 'eighty']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/setting port \(flag --port\): expected a whole number/);
    const env = await exited(tsunagu(['start'], { TSUNAGU_DATABASE_URL: 'mysql://nope' }));
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/TSUNAGU_DATABASE_URL.*postgres:\/\//);
  });

  it('refuses an unknown component', async () => {
    const r = await exited(tsunagu(['start', 'teleporter', '--data-dir', dataDir]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown component "teleporter"/);
  });
});
