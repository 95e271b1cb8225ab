/**
 * Where the time of a query goes: builds the SQL of the bench's requests with the broker's own
 * EntityStore (a capturing executor records text and parameters instead of running them), then runs
 * `EXPLAIN (ANALYZE, BUFFERS)` of each on a database the bench filled:
 *
 *   node --import tsx bench/broker/explain.ts --pg postgres://…/tsunagu_bench
 *   node --import tsx bench/broker/explain.ts --pglite /tmp/tsunagu-bench-pglite-XXXX   (from --keep-data; hub stopped)
 *   … --analyze   runs ANALYZE entity first (to see the plans the planner picks with statistics)
 *   … --vacuum    runs VACUUM (ANALYZE) entity first (statistics, and old row versions removed)
 *   … --repeat N  also times N plain executions of each read (the engine's cost per statement, no HTTP)
 *
 * Writes (the batch upsert) run inside BEGIN … ROLLBACK, so the data stays as it was.
 * This reaches into src/context-broker/store (not a public entry): it is a diagnostic, and breaks
 * loudly when the store's shape changes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SqlExecutor } from '../../src/core/index.js';
import { EntityStore } from '../../src/context-broker/store/entity-store.js';
import type { StoredEntity } from '../../src/context-broker/index.js';
import { parseQ } from '../../src/context-broker/query/index.js';
import { parseGeoQueryParams } from '../../src/context-broker/geo/index.js';
import { entityId, entityOf, TYPE } from './dataset.js';
import { QUERIES } from './query-type-q.js';

const { values: opts } = parseArgs({
  options: {
    pg: { type: 'string' },
    pglite: { type: 'string' },
    seed: { type: 'string', default: '20261125' },
    runs: { type: 'string', default: '3' },
    // ANALYZE entity first (changes the planner statistics of that database; PGlite has no autovacuum).
    analyze: { type: 'boolean', default: false },
    // VACUUM (ANALYZE) entity first: removes old row versions too (what autovacuum does on PostgreSQL).
    vacuum: { type: 'boolean', default: false },
    // Also time N plain executions of each read (in-process round trip, no HTTP): the engine's own cost.
    repeat: { type: 'string', default: '0' },
  },
});
if (!opts.pg === !opts.pglite) {
  console.error('usage: bench/broker/explain.ts --pg postgres://… | --pglite DATA_DIR');
  process.exit(2);
}

const DEFAULT_CONTEXT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const CORE = new Set(['location', 'observationSpace', 'operationSpace', 'createdAt', 'modifiedAt']);
const expand = (name: string) => (CORE.has(name) ? `https://uri.etsi.org/ngsi-ld/${name}` : `${DEFAULT_CONTEXT}${name}`);
const resolver = { expandAttr: expand };
const typeIri = expand(TYPE);

interface Captured {
  name: string;
  text: string;
  params: unknown[];
  write: boolean;
}
const captured: Captured[] = [];
let current = '';
const capture: SqlExecutor = {
  async query(text, params = []) {
    captured.push({ name: current, text, params: [...params], write: /^\s*(INSERT|UPDATE|DELETE)|FOR UPDATE/i.test(text) });
    return { rows: [], rowCount: 0 };
  },
};

const store = new EntityStore();
const ok = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

current = 'get-by-id';
await store.get(capture, '', entityId(4242));
for (const { name, q } of QUERIES) {
  current = `query-type-q ${name} (q=${q})`;
  await store.query(capture, '', { types: [[typeIri]], q: ok(parseQ(q)), resolver, limit: 20, offset: 0, count: false });
}
current = 'query-geo-near (maxDistance=500)';
const geo = ok(parseGeoQueryParams({ georel: 'near;maxDistance==500', geometry: 'Point', coordinates: '[135.47,34.84]', geoproperty: undefined }));
if (!geo) throw new Error('no geo-query');
await store.query(capture, '', { types: [[typeIri]], geo, resolver, limit: 20, offset: 0, count: false });

// One batch of 100 existing entities, as the upsert path builds it: locked read, then the write.
current = 'ingest-batch (batch=100): locked read';
const seed = Number(opts.seed);
const ids = Array.from({ length: 100 }, (_, k) => entityId(5000 + k));
await store.getMany(capture, '', ids, true);
current = 'ingest-batch (batch=100): write';
const now = new Date().toISOString();
const batch: StoredEntity[] = Array.from({ length: 100 }, (_, k) => {
  const raw = entityOf(5000 + k, 7, seed);
  const attrs: Record<string, unknown[]> = {};
  for (const [key, v] of Object.entries(raw)) {
    if (key !== 'id' && key !== 'type') attrs[expand(key)] = [{ ...(v as object), createdAt: now, modifiedAt: now }];
  }
  return { id: String(raw['id']), types: [typeIri], attrs, createdAt: now, modifiedAt: now } as unknown as StoredEntity;
});
await store.write(capture, '', batch);

// ---- run EXPLAIN on the chosen engine --------------------------------------------------------

interface Runner {
  query(text: string, params: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

async function openRunner(): Promise<Runner> {
  if (opts.pg) {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: opts.pg, application_name: 'tsunagu-bench-explain', options: '-c TimeZone=UTC' });
    await c.connect();
    return { query: async (t, p) => (await c.query(t, p)).rows as Array<Record<string, unknown>>, close: () => c.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  // The hub keeps its embedded database in <data-dir>/pglite (src/core/db/open-engine.ts).
  const dir = join(opts.pglite!, 'pglite');
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new Error(`${dir} holds no database; give the hub's --data-dir (bench --keep-data prints it)`);
  const db = await PGlite.create({ dataDir: dir, extensions: { postgis } });
  return { query: async (t, p) => (await db.query<Record<string, unknown>>(t, p)).rows, close: () => db.close() };
}

const db = await openRunner();
if (opts.vacuum) await db.query('VACUUM (ANALYZE) entity', []);
else if (opts.analyze) await db.query('ANALYZE entity', []);
const short = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 160)}… (${s.length} chars)` : s;
};
console.log(`# EXPLAIN (ANALYZE, BUFFERS) on ${opts.pg ? 'PostgreSQL' : `PGlite ${opts.pglite}`}; best of ${opts.runs} runs shown\n`);
const stats = await db.query("SELECT relname, n_live_tup, n_dead_tup, last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname = 'entity'", []);
console.log(`entity table: ${JSON.stringify(stats[0] ?? {})}\n`);
for (const c of captured) {
  console.log(`## ${c.name}\n\n${c.text.replace(/\s+/g, ' ').trim()}\n`);
  c.params.forEach((p, i) => console.log(`  $${i + 1} = ${short(p)}`));
  let best: { ms: number; plan: string } | undefined;
  for (let run = 0; run < Number(opts.runs); run++) {
    if (c.write) await db.query('BEGIN', []);
    try {
      const t0 = performance.now();
      const rows = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${c.text}`, c.params);
      const ms = performance.now() - t0;
      const line = (r: Record<string, unknown>) => {
        const t = String(r['QUERY PLAN']);
        return t.length > 400 ? `${t.slice(0, 400)}…` : t;
      };
      if (!best || ms < best.ms) best = { ms, plan: rows.map(line).join('\n') };
    } finally {
      if (c.write) await db.query('ROLLBACK', []);
    }
  }
  console.log(`\n${best!.plan}\n(round trip of the EXPLAIN: ${best!.ms.toFixed(1)} ms)\n`);
  const n = Number(opts.repeat);
  if (n > 0 && !c.write) {
    const times: number[] = [];
    const deadline = performance.now() + 20_000;
    for (let i = 0; i < n && performance.now() < deadline; i++) {
      const t0 = performance.now();
      await db.query(c.text, c.params);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`plain execution ×${times.length}: mean ${(mean * 1000).toFixed(0)} µs, p50 ${(times[Math.floor(times.length / 2)]! * 1000).toFixed(0)} µs\n`);
  }
}
await db.close();
