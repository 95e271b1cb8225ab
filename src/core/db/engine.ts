/**
 * The storage port: one SQL dialect (PostgreSQL + PostGIS), two engines — PGlite embedded in a
 * worker thread, or a PostgreSQL server through a pool. Everything above core talks to this.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows affected by INSERT/UPDATE/DELETE, or returned by SELECT. */
  rowCount: number;
}

/** Runs statements; both the engine and an open transaction are executors. */
export interface SqlExecutor {
  /** Runs one parameterised statement ($1, $2, … placeholders). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export type EngineKind = 'pglite' | 'postgres';

export interface SqlEngine extends SqlExecutor {
  readonly kind: EngineKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Cheap round trip that proves the storage answers (used by /ready). */
  ping(): Promise<void>;
  /** Finishes queued work and releases the storage. */
  close(): Promise<void>;
}

/**
 * A numbered schema change owned by one module. Applied once, in (module, version) order,
 * at start; never edited after release: a change is a new migration.
 */
export interface Migration {
  module: string;
  version: number;
  name: string;
  sql: string;
}
