/**
 * Compares two benchmark CSVs (from `npm run bench`): B against A, as a Markdown table.
 *
 *   node --import tsx bench/compare.ts A.csv B.csv [--all]
 *
 * Rows match on (scenario, params, metric, engine). By default only the headline metrics (rates and
 * latency percentiles); --all shows every metric. For rates higher is better, for latencies lower;
 * changes of 10 % or more are marked ✓ (better) or ✗ (worse), and figures measured while other
 * processes used the machine (cpu_other above DISTURBED_CORES) are noted.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { human, parseCsv, type Row } from './lib/report.js';
import { DISTURBED_CORES } from './broker/context.js';

// `… | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const { values, positionals } = parseArgs({ options: { all: { type: 'boolean', default: false } }, allowPositionals: true });
if (positionals.length !== 2) {
  console.error('usage: node --import tsx bench/compare.ts A.csv B.csv [--all]');
  process.exit(2);
}
const [a, b] = positionals.map((f) => parseCsv(readFileSync(f!, 'utf8'))) as [Row[], Row[]];
const headline = (m: string) => m.endsWith('_per_s') || m.startsWith('latency_');
const key = (r: Row) => `${r.engine}\u0000${r.scenario}\u0000${r.params}\u0000${r.metric}`;
const before = new Map(a.map((r) => [key(r), r]));
const otherOf = (rows: Row[]) => new Map(rows.filter((r) => r.metric === 'cpu_other').map((r) => [`${r.engine}\u0000${r.scenario}\u0000${r.params}`, r.value]));
const [otherA, otherB] = [otherOf(a), otherOf(b)];
const commitsOf = (rows: Row[]) => [...new Set(rows.map((r) => r.commit))].join(', ');

console.log(`A: ${commitsOf(a)}  →  B: ${commitsOf(b)}\n`);
console.log('| engine | scenario | params | metric | A | B | change | note |');
console.log('| --- | --- | --- | --- | ---: | ---: | ---: | --- |');
for (const r of b) {
  if (!values.all && !headline(r.metric)) continue;
  const old = before.get(key(r));
  let change = '';
  if (old && Number.isFinite(old.value) && old.value !== 0 && Number.isFinite(r.value)) {
    const pct = ((r.value - old.value) / old.value) * 100;
    const better = r.metric.startsWith('latency_') ? pct < 0 : pct > 0;
    change = `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %${Math.abs(pct) >= 10 ? (better ? ' ✓' : ' ✗') : ''}`;
  }
  const job = `${r.engine}\u0000${r.scenario}\u0000${r.params}`;
  const disturbed = [(otherA.get(job) ?? 0) > DISTURBED_CORES ? 'A' : '', (otherB.get(job) ?? 0) > DISTURBED_CORES ? 'B' : ''].filter(Boolean);
  const note = disturbed.length > 0 ? `disturbed in ${disturbed.join(' and ')}` : '';
  console.log(`| ${r.engine} | ${r.scenario} | ${r.params} | ${r.metric} (${r.unit}) | ${old ? human(old.value) : '—'} | ${human(r.value)} | ${change} | ${note} |`);
}
