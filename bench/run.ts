/**
 * `npm run bench` — figures for the NGSI-LD broker, on the embedded engine (PGlite) and, when
 * TSUNAGU_BENCH_PG_URL is set, on PostgreSQL. The hub runs as a child process, the load generator
 * as another (bench/load/generator.ts); this process only orchestrates and reports.
 *
 * Per engine: load 10k entities → GET by id, type+q and geo queries → grow to 100k → the same →
 * rewrite every entity once → type+q and geo queries again → batch and single updates. Every load
 * loop is bounded in requests and in time and warms up before it measures; seeds are fixed.
 *
 * Output: progress on stderr; a table per engine, the targets and CSV rows
 * (`bench,scenario,params,metric,value,unit,engine,commit`) on stdout; the CSV also goes to
 * bench/results/<date>-<commit>.csv (git-ignored) unless --out says otherwise.
 *
 * Options: --engine pglite|postgres|all, --quick (short timings, 10k and 30k entities),
 * --entities 10000,100000, --ref <git ref> (measure that commit, exported to a temporary folder),
 * --hub-dir DIR (measure a patched copy of the tree: an experiment, tagged <commit>+<folder name>),
 * --hub-node-args="…" (node options for the hub process, e.g. --max-semi-space-size=32; tagged too),
 * --dist (run dist/ instead of src/ through tsx), --seed N, --out FILE, --keep-data,
 * --no-pg-vacuum, --only get-by-id,query-type-q,… (the load steps always run), --profile (V8 CPU
 * profiles of the hub into bench/results/, summarised by bench/profile-summary.ts). See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exportRef, workingTreeCommit } from './lib/commit.js';
import { folderBytes, Hub, type EngineName } from './lib/hub.js';
import { vacuumAnalyzeEntities, checkBenchDatabase, emptyBrokerTables, postmasterPid, serverInfo } from './lib/pg.js';
import { CSV_HEADER, formatTable, human, paramsName, toCsvLine, type Row } from './lib/report.js';
import { LoadClient } from './load/client.js';
import { DISTURBED_CORES, type BenchContext } from './broker/context.js';
import { loadTo, rewriteAll, ATTRS_PER_ENTITY } from './broker/dataset.js';
import * as ingestBatch from './broker/ingest-batch.js';
import * as ingestSingle from './broker/ingest-single.js';
import * as getById from './broker/get-by-id.js';
import * as queryTypeQ from './broker/query-type-q.js';
import * as queryGeoNear from './broker/query-geo-near.js';
import * as baseline from './load/baseline.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: opts } = parseArgs({
  options: {
    engine: { type: 'string' },
    quick: { type: 'boolean', default: false },
    entities: { type: 'string' },
    ref: { type: 'string' },
    'hub-dir': { type: 'string' },
    'hub-node-args': { type: 'string' },
    dist: { type: 'boolean', default: false },
    seed: { type: 'string', default: '20261125' },
    out: { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
    'no-pg-vacuum': { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (opts.help) {
  console.log(
    'npm run bench -- [--engine pglite|postgres|all] [--quick] [--entities 10000,100000] [--ref REF | --hub-dir DIR] [--hub-node-args=…] [--dist] [--seed N] [--out FILE] [--keep-data] [--no-pg-vacuum] [--only S1,S2] [--profile]\n' +
      'PostgreSQL runs when TSUNAGU_BENCH_PG_URL=postgres://…/<a database whose name contains "bench"> is set (its broker tables are emptied).',
  );
  process.exit(0);
}

const pgUrl = process.env['TSUNAGU_BENCH_PG_URL'];
const engines: EngineName[] =
  opts.engine === 'pglite' ? ['pglite'] : opts.engine === 'postgres' ? ['postgres'] : opts.engine === 'all' || pgUrl ? ['pglite', 'postgres'] : ['pglite'];
if (engines.includes('postgres')) {
  if (!pgUrl) throw new Error('--engine postgres needs TSUNAGU_BENCH_PG_URL=postgres://…');
  checkBenchDatabase(pgUrl);
}
const stages = (opts.entities ?? (opts.quick ? '10000,30000' : '10000,100000')).split(',').map(Number);
if (stages.length !== 2 || stages.some((n) => !Number.isInteger(n) || n <= 0 || n % 1000 !== 0) || stages[0]! >= stages[1]!) {
  throw new Error('--entities takes two growing multiples of 1000, e.g. 10000,100000');
}
const [small, large] = stages as [number, number];
const seed = Number(opts.seed);
const timeScale = opts.quick ? 0.3 : 1;
const SCENARIOS = ['baseline-http', 'ingest-batch', 'ingest-single', 'get-by-id', 'query-type-q', 'query-geo-near'] as const;
const only = new Set(opts.only ? opts.only.split(',') : SCENARIOS);
for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
const resultsDir = join(repo, 'bench', 'results');

const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

// Which code runs: the working tree, or an exported commit.
let hubDir = repo;
let commit = workingTreeCommit(repo);
if (opts.ref && opts['hub-dir']) throw new Error('--ref and --hub-dir exclude each other');
if (opts['hub-dir']) {
  // An experiment: a patched copy of the tree (with node_modules), tagged by its folder name.
  hubDir = resolve(opts['hub-dir']);
  commit = `${commit}+${basename(hubDir)}`;
  log(`measuring the tree in ${hubDir} (tagged ${commit})`);
} else if (opts.ref) {
  const x = exportRef(repo, opts.ref);
  hubDir = x.dir;
  commit = x.commit;
  log(`measuring ${opts.ref} = ${commit}, exported to ${hubDir}`);
}

const hubNodeArgs = opts['hub-node-args'] ? opts['hub-node-args'].split(/\s+/).filter(Boolean) : [];
if (hubNodeArgs.length > 0) commit = `${commit}+${hubNodeArgs.join('_').replace(/^-+/, '')}`;

const rows: Row[] = [];
const notes: string[] = [
  `date ${new Date().toISOString()}`,
  `commit ${commit}`,
  `machine ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
  `node ${process.version}; hub from ${opts.dist ? 'dist/' : 'src/ through tsx'}; seed ${seed}; ${opts.quick ? 'quick (timings × 0.3)' : 'full'}`,
];

async function runEngine(engine: EngineName): Promise<void> {
  const dataDir = mkdtempSync(join(os.tmpdir(), `tsunagu-bench-${engine}-`));
  if (engine === 'postgres') {
    notes.push(`postgres ${await serverInfo(pgUrl!)}`);
    await emptyBrokerTables(pgUrl!);
  }
  log(`${engine}: starting the hub`);
  const started = performance.now();
  const cpuProfileDir = opts.profile ? join(resultsDir, `profile-${stamp}-${commit}-${engine}`) : undefined;
  const hub = await Hub.start({
    hubDir,
    useDist: opts.dist,
    nodeArgs: hubNodeArgs,
    engine,
    dataDir,
    ...(engine === 'postgres' ? { databaseUrl: pgUrl! } : {}),
    ...(cpuProfileDir ? { cpuProfileDir } : {}),
  });
  const startSeconds = (performance.now() - started) / 1000;
  log(`${engine}: hub pid ${hub.pid} ready on 127.0.0.1:${hub.port} after ${startSeconds.toFixed(1)} s`);
  const pgPid = engine === 'postgres' ? await postmasterPid(pgUrl!) : undefined;
  if (engine === 'postgres' && pgPid === undefined) log('postgres: server is not a local process; its CPU time is not measured');
  const load = LoadClient.start(hub.port, hub.pid, pgPid);
  const ctx: BenchContext = {
    hub,
    load,
    engine,
    seed,
    entities: 0,
    rewrites: 0,
    timeScale,
    record: (r) => rows.push({ bench: 'broker', ...r, engine, commit }),
    log,
  };
  ctx.record({ scenario: 'start', params: '', metric: 'ready_after', value: startSeconds, unit: 's' });
  const maintain = async () => {
    if (engine === 'postgres' && !opts['no-pg-vacuum']) {
      log('postgres: VACUUM (ANALYZE) entity (what autovacuum does within a minute of a bulk write)');
      await vacuumAnalyzeEntities(pgUrl!);
    }
  };
  const step = async (name: (typeof SCENARIOS)[number], run: (c: BenchContext) => Promise<void>) => {
    if (only.has(name)) await run(ctx);
  };
  try {
    // Reads first, on freshly loaded data; then every entity rewritten once; then the updates.
    await loadTo(ctx, small);
    await maintain();
    await step('get-by-id', getById.run);
    await step('query-type-q', queryTypeQ.run);
    await step('query-geo-near', queryGeoNear.run);
    await loadTo(ctx, large);
    await maintain();
    await step('get-by-id', getById.run);
    await step('query-type-q', queryTypeQ.run);
    await step('query-geo-near', queryGeoNear.run);
    if (only.has('query-type-q') || only.has('query-geo-near')) {
      await rewriteAll(ctx);
      await maintain();
      await step('query-type-q', queryTypeQ.run);
      await step('query-geo-near', queryGeoNear.run);
    }
    await step('ingest-batch', ingestBatch.run);
    await step('ingest-single', ingestSingle.run);
    ctx.record({ scenario: 'footprint', params: paramsName({ entities: ctx.entities }), metric: 'hub_rss', value: hub.rssMb(), unit: 'MB' });
    if (engine === 'pglite') {
      ctx.record({ scenario: 'footprint', params: paramsName({ entities: ctx.entities }), metric: 'data_dir', value: folderBytes(dataDir) / 2 ** 20, unit: 'MB' });
    }
  } finally {
    await load.stop();
    await hub.stop();
    if (cpuProfileDir) log(`${engine}: CPU profiles in ${cpuProfileDir} (node --import tsx bench/profile-summary.ts ${cpuProfileDir})`);
    if (opts['keep-data'] && engine === 'pglite') log(`pglite: data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- report ---------------------------------------------------------------------------------

const get = (engine: string, scenario: string, params: string, metric: string): number | undefined =>
  rows.find((r) => r.engine === engine && r.scenario === scenario && r.params === params && r.metric === metric)?.value;

function engineTable(engine: string): string {
  const keys: Array<[string, string]> = [];
  for (const r of rows) {
    if (r.engine !== engine || ['start', 'footprint', 'total'].includes(r.scenario)) continue;
    if (!keys.some(([s, p]) => s === r.scenario && p === r.params)) keys.push([r.scenario, r.params]);
  }
  const body = keys.map(([s, p]) => {
    const m = (metric: string) => get(engine, s, p, metric);
    const rate = m('requests_per_s') ?? m('batches_per_s');
    return [
      s,
      p,
      human(rate),
      human(m('entities_per_s')),
      human(m('attr_updates_per_s')),
      human(m('latency_p50')),
      human(m('latency_p95')),
      human(m('latency_p99')),
      human(m('matches') ?? m('matches_mid')),
      String(m('errors') ?? '—'),
      `${human(m('cpu_hub'))} (${human(m('cpu_hub_main'))}) / ${human(m('cpu_postgres'))} / ${human(m('cpu_loadgen'))} / ${human(m('cpu_other'))}`,
    ];
  });
  return formatTable(['scenario', 'params', 'req/s', 'entities/s', 'attr upd/s', 'p50 ms', 'p95 ms', 'p99 ms', 'matches', 'errors', 'cores hub (main) / pg / loadgen / other'], body);
}

interface Target {
  what: string;
  scenario: string;
  params: (engine: string) => string[];
  metric: string;
  goal: number;
  atLeast: boolean;
  reference: string;
}

const findParams = (engine: string, scenario: string, pred: (p: string) => boolean): string[] =>
  [...new Set(rows.filter((r) => r.engine === engine && r.scenario === scenario && pred(r.params)).map((r) => r.params))];

const TARGETS: Target[] = [
  {
    what: '≥ 5,000 attribute updates/s in batches',
    scenario: 'ingest-batch',
    params: (e) => findParams(e, 'ingest-batch', () => true),
    metric: 'attr_updates_per_s',
    goal: 5000,
    atLeast: true,
    reference: 'Orion-LD ≈ 3,500 updates/s',
  },
  {
    what: '≥ 5,000 GET by id/s',
    scenario: 'get-by-id',
    params: (e) => findParams(e, 'get-by-id', () => true),
    metric: 'requests_per_s',
    goal: 5000,
    atLeast: true,
    reference: 'Orion-LD ≈ 7,700 GETs/s',
  },
  {
    what: 'type+q p95 ≤ 20 ms at 100k',
    scenario: 'query-type-q',
    params: (e) => findParams(e, 'query-type-q', (p) => p.includes(`entities=${large},`)),
    metric: 'latency_p95',
    goal: 20,
    atLeast: false,
    reference: 'Stellio p95 1,440 ms at 100k',
  },
  {
    what: 'geo near p95 ≤ 20 ms at 100k (geo-to-sql.ts goal)',
    scenario: 'query-geo-near',
    params: (e) => findParams(e, 'query-geo-near', (p) => p.includes(`entities=${large},`)),
    metric: 'latency_p95',
    goal: 20,
    atLeast: false,
    reference: '—',
  },
];

function targetTable(): string {
  const body: string[][] = [];
  for (const t of TARGETS) {
    for (const engine of engines) {
      for (const p of t.params(engine)) {
        const v = get(engine, t.scenario, p, t.metric);
        const errors = get(engine, t.scenario, p, 'errors') ?? 0;
        const met = v !== undefined && errors === 0 && (t.atLeast ? v >= t.goal : v <= t.goal);
        const disturbed = (get(engine, t.scenario, p, 'cpu_other') ?? 0) > DISTURBED_CORES;
        body.push([t.what, engine, p, human(v), `${met ? 'met' : 'MISSED'}${disturbed ? ' (disturbed)' : ''}`, t.reference]);
      }
    }
  }
  return formatTable(['target', 'engine', 'params', 'measured', 'verdict', 'reference'], body);
}

// ---- main -----------------------------------------------------------------------------------

log(`engines: ${engines.join(', ')}; data set ${small} then ${large} entities of ${ATTRS_PER_ENTITY} attributes; commit ${commit}`);
const t0 = performance.now();
let failure: unknown;
if (only.has('baseline-http')) {
  log('baseline: bare node:http server under the get-by-id load');
  try {
    await baseline.run({ seed, entities: 0, rewrites: 0, timeScale, log, record: (r) => rows.push({ bench: 'broker', ...r, engine: 'none', commit }) });
  } catch (err) {
    failure ??= err;
    log(`baseline: FAILED: ${(err as Error).stack ?? String(err)}`);
  }
}
for (const engine of [...only].some((s) => s !== 'baseline-http') ? engines : []) {
  const te = performance.now();
  try {
    await runEngine(engine);
  } catch (err) {
    failure ??= err;
    log(`${engine}: FAILED: ${(err as Error).stack ?? String(err)}`);
  }
  rows.push({ bench: 'broker', scenario: 'total', params: '', metric: 'run_time', value: (performance.now() - te) / 1000, unit: 's', engine, commit });
}
if (opts.ref) rmSync(hubDir, { recursive: true, force: true });
notes.push(`total run time ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const csv = [...notes.map((n) => `# ${n}`), CSV_HEADER, ...rows.map(toCsvLine)].join('\n') + '\n';
const out = opts.out ?? join(resultsDir, `${stamp}-${commit}.csv`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, csv);

const print = (s = '') => process.stdout.write(`${s}\n`);
print(`\n# tsunagu broker benchmark — ${notes.join('; ')}\n`);
for (const engine of [...(rows.some((r) => r.engine === 'none') ? ['none'] : []), ...engines]) {
  print(
    engine === 'none'
      ? '## baseline: bare node:http server, no broker (the machine\'s HTTP floor for get-by-id)\n'
      : `## ${engine}  (cores = average CPU cores used while measuring by the hub (its main thread) / PostgreSQL server / load generator / other processes)\n`,
  );
  print(engineTable(engine));
  print();
}
print('## targets\n');
print(targetTable());
print(`\n## CSV (also in ${out})\n`);
process.stdout.write(csv);
if (failure) process.exitCode = 1;
