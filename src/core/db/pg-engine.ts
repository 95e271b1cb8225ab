/** The server engine: PostgreSQL + PostGIS through a connection pool (node-postgres). */
import pg from 'pg';
import type { QueryResult, SqlEngine, SqlExecutor } from './engine.js';
import { SqlError } from './sql-error.js';

function wrap(err: unknown): SqlError {
  const e = err as { message?: string; code?: string; detail?: string; constraint?: string };
  return new SqlError(e.message ?? String(err), { code: e.code, detail: e.detail, constraint: e.constraint });
}

async function run<R>(client: pg.Pool | pg.PoolClient, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  try {
    const r = await client.query(text, params as unknown[]);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  } catch (err) {
    throw wrap(err);
  }
}

export class PgEngine implements SqlEngine {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects the pool and makes sure PostGIS is there. */
  static async open(url: string, poolSize: number): Promise<PgEngine> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'tsunagu', options: '-c TimeZone=UTC' });
    // A broken idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const engine = new PgEngine(pool);
    try {
      await engine.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new SqlError(`cannot prepare the PostgreSQL database (is PostGIS installed?): ${(err as Error).message}`);
    }
    return engine;
  }

  query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return run<R>(this.pool, text, params);
  }

  async exec(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (err) {
      throw wrap(err);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw wrap(err);
    }
    try {
      await run(client, 'BEGIN', []);
      const result = await fn({ query: <R>(text: string, params: readonly unknown[] = []) => run<R>(client, text, params) });
      await run(client, 'COMMIT', []);
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
