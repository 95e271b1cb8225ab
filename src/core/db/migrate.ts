/** Applies numbered migrations once, in order, under a lock so replicas starting together agree. */
import type { Migration, SqlEngine } from './engine.js';
import { SqlError } from './sql-error.js';

// Arbitrary constant for pg_advisory_xact_lock: "tsunagu" migrations.
const MIGRATION_LOCK = 7_405_001;

/** Applies every migration not yet recorded in schema_migration; returns the ones applied. */
export async function migrate(engine: SqlEngine, migrations: readonly Migration[]): Promise<Migration[]> {
  const seen = new Set<string>();
  for (const m of migrations) {
    const key = `${m.module}:${m.version}`;
    if (seen.has(key)) throw new SqlError(`two migrations share ${key}`);
    seen.add(key);
  }
  const ordered = [...migrations].sort((a, b) => a.module.localeCompare(b.module) || a.version - b.version);
  await engine.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    module text NOT NULL, version int NOT NULL, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (module, version))`);
  return engine.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const done = await tx.query<{ module: string; version: number }>('SELECT module, version FROM schema_migration');
    const applied = new Set(done.rows.map((r) => `${r.module}:${r.version}`));
    const now: Migration[] = [];
    for (const m of ordered) {
      if (applied.has(`${m.module}:${m.version}`)) continue;
      // Statements of one migration are separated by a line holding only ';' — kept simple on purpose.
      for (const statement of m.sql.split(/^\s*;\s*$/m).map((s) => s.trim()).filter(Boolean)) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migration (module, version, name) VALUES ($1, $2, $3)', [m.module, m.version, m.name]);
      now.push(m);
    }
    return now;
  });
}
