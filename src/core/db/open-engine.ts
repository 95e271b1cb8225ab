/** Opens the configured engine: PostgreSQL when a URL is given, else embedded PGlite in dataDir. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SqlEngine } from './engine.js';
import { PgEngine } from './pg-engine.js';
import { PgliteEngine } from './pglite-engine.js';

export interface EngineOptions {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  poolSize?: number;
}

/** Opens the storage engine the options name. */
export async function openEngine(options: EngineOptions): Promise<SqlEngine> {
  if (options.databaseUrl) return PgEngine.open(options.databaseUrl, options.poolSize ?? 10);
  let dir: string | undefined;
  if (options.dataDir) {
    dir = join(resolve(options.dataDir), 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  return PgliteEngine.open({ dataDir: dir, postgis: true });
}
