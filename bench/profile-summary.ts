/**
 * Summarises V8 CPU profiles (`npm run bench -- --profile` writes them for the hub): self time by
 * package / area and the top functions, per profile file (main thread and each worker thread).
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profile-…/ [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from './lib/report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
const top = Number(values.top);

/** Where a frame's code lives: an npm package, our source, node internals, or the VM itself. */
function areaOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /\/(src|dist)\/(.+?)\/[^/]+$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

function summarise(file: string): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const area = areaOf(f.url, f.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${f.functionName || '(anonymous)'}  ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us: number) => ((100 * us) / total).toFixed(1);
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, (us / 1000).toFixed(0), pct(us)]);
  console.log(`\n### ${basename(file)} — ${(total / 1e6).toFixed(1)} s of samples over ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s\n`);
  console.log(formatTable(['area (self time)', 'ms', '%'], rows(areas)));
  console.log();
  console.log(formatTable(['function (self time)', 'ms', '%'], rows(fns)));
}

for (const arg of positionals) {
  const files = statSync(arg).isDirectory()
    ? readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(arg, f))
    : [arg];
  for (const f of files) summarise(f);
}
