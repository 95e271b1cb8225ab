/** The PostgreSQL database the bench writes to: emptied before a run, analysed after a load. */
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** The bench empties the broker's tables, so it insists on a database meant for it. */
export function checkBenchDatabase(url: string): void {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/bench/i.test(name)) {
    throw new Error(`TSUNAGU_BENCH_PG_URL names database "${name}"; the bench empties the broker's tables, so use a database whose name contains "bench" (e.g. createdb tsunagu_bench)`);
  }
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: 'tsunagu-bench' });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Empties the broker's tables (if a previous run created them) so each run starts from nothing. */
export async function emptyBrokerTables(url: string): Promise<void> {
  checkBenchDatabase(url);
  await withClient(url, async (c) => {
    const r = await c.query<{ t: string }>(
      `SELECT quote_ident(table_name) AS t FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name IN ('entity', 'tenant', 'entity_type_class', 'entity_type_class_change')`,
    );
    if (r.rows.length > 0) await c.query(`TRUNCATE ${r.rows.map((x) => x.t).join(', ')}`);
  });
}

/** VACUUM (ANALYZE) entity: what autovacuum does within about a minute of a bulk load or rewrite. */
export async function vacuumAnalyzeEntities(url: string): Promise<void> {
  await withClient(url, (c) => c.query('VACUUM (ANALYZE) entity'));
}

/** Server version and PostGIS version, for the report. */
export async function serverInfo(url: string): Promise<string> {
  return withClient(url, async (c) => {
    const r = await c.query<{ v: string; g: string }>("SELECT current_setting('server_version') AS v, postgis_lib_version() AS g");
    const s = await c.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', 'jit')",
    );
    return `PostgreSQL ${r.rows[0]?.v} + PostGIS ${r.rows[0]?.g} (${s.rows.map((x) => `${x.name}=${x.setting}`).join(', ')})`;
  });
}

/** Process id of the server's postmaster, when it runs on this machine (for its CPU time); else undefined. */
export async function postmasterPid(url: string): Promise<number | undefined> {
  return withClient(url, async (c) => {
    // Read while the backend lives: its parent is the postmaster.
    const backend = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    try {
      const m = /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${backend}/status`, 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  });
}
