/**
 * Storage engines for tests. PGlite always runs (a copy of a migrated template made once per
 * jest run); PostgreSQL joins when TSUNAGU_TEST_PG_URL is set. Suites named `[pglite] …` and
 * `[postgres] …` are the lanes .ci/run checks.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PgEngine, PgliteEngine, type SqlEngine } from '../../src/core/index.js';

export type EngineName = 'pglite' | 'postgres';

export interface TestEngine {
  name: EngineName;
  open(): Promise<SqlEngine>;
}

/** Opens a fresh PGlite copied from the migrated template. */
async function openPglite(): Promise<SqlEngine> {
  const template = process.env['TSUNAGU_TEST_PGLITE_TEMPLATE'];
  if (!template) throw new Error('TSUNAGU_TEST_PGLITE_TEMPLATE is not set: jest globalSetup did not run');
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-test-pglite-'));
  cpSync(template, dir, { recursive: true });
  const engine = await PgliteEngine.open({ dataDir: dir, postgis: true });
  const close = engine.close.bind(engine);
  engine.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return engine;
}

/** The engines this run tests against. */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{ name: 'pglite', open: openPglite }];
  const url = process.env['TSUNAGU_TEST_PG_URL'];
  if (url) engines.push({ name: 'postgres', open: () => PgEngine.open(url, 4) });
  return engines;
}

/** Runs the same suite on every engine, each in a describe named `[engine] title`. */
export function describeEachEngine(title: string, suite: (engine: () => SqlEngine, name: EngineName) => void): void {
  for (const te of testEngines()) {
    describe(`[${te.name}] ${title}`, () => {
      let engine: SqlEngine | undefined;
      beforeAll(async () => {
        engine = await te.open();
      });
      suite(() => {
        if (!engine) throw new Error('engine not open');
        return engine;
      }, te.name);
      // Registered after the suite's own hooks, so those still have the engine.
      afterAll(async () => {
        await engine?.close();
      });
    });
  }
}

/** A tenant name no other test uses, so suites sharing a database never see each other. */
export function uniqueTenant(prefix = 't'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}
