// Public entry of core: config, logging, HTTP app factory and error format, database access.
export { ProblemError, isProblemError } from './errors.js';
export type { ProblemJson } from './errors.js';
export { SqlParams } from './db/sql-params.js';
export type { SqlFragment } from './db/sql-params.js';
export type { SqlEngine, SqlExecutor, QueryResult, EngineKind, Migration } from './db/engine.js';
