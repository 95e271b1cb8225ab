/**
 * Run once per jest run (by global-setup.mjs, under tsx): builds (or reuses) a migrated PGlite template that every suite copies,
 * and migrates the PostgreSQL test database when TSUNAGU_TEST_PG_URL is set.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrate, PgEngine, PgliteEngine } from '../../src/core/index.js';
import { allMigrations } from '../../src/cli/index.js';

async function prepare(): Promise<string> {
  const migrations = allMigrations();
  const pgliteVersion = JSON.parse(readFileSync(resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8')).version as string;
  const hash = createHash('sha256').update(pgliteVersion).update(JSON.stringify(migrations)).digest('hex').slice(0, 16);
  const root = resolve('.test-template');
  const template = join(root, hash);
  if (!existsSync(template)) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const building = join(root, `building-${process.pid}`);
    const engine = await PgliteEngine.open({ dataDir: building, postgis: true });
    await migrate(engine, migrations);
    await engine.close();
    renameSync(building, template);
  }

  const url = process.env['TSUNAGU_TEST_PG_URL'];
  if (url) {
    const engine = await PgEngine.open(url, 2);
    await migrate(engine, migrations);
    await engine.close();
  }
  return template;
}

// The template path is the last line of output, for global-setup.mjs.
process.stdout.write(`${await prepare()}\n`);
