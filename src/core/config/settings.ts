/**
 * Every setting of the hub in one table: name, environment variable, CLI flag, type, default and
 * what it is for. `loadConfig` reads defaults < config file < environment < flags and validates.
 */
export type SettingType = 'port' | 'int' | 'string' | 'postgres-url' | 'host' | 'path' | 'log-level' | 'bytes' | 'bool';

export interface SettingSpec {
  key: keyof HubConfig;
  env: string;
  flag?: string;
  type: SettingType;
  default?: string | number;
  min?: number;
  max?: number;
  description: string;
}

export interface HubConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  publicBaseUrl: string | undefined;
  maxBodyBytes: number;
  maxJsonDepth: number;
  maxBatchSize: number;
  maxQueryLimit: number;
  defaultQueryLimit: number;
  contextFetchTimeoutMs: number;
  contextAllowPrivateHosts: boolean;
  shutdownTimeoutMs: number;
  dbPoolSize: number;
}

export const SETTINGS: readonly SettingSpec[] = [
  { key: 'port', env: 'TSUNAGU_PORT', flag: 'port', type: 'port', default: 1026, description: 'HTTP port for every API' },
  { key: 'host', env: 'TSUNAGU_HOST', flag: 'host', type: 'host', default: '127.0.0.1', description: 'address the HTTP server listens on (0.0.0.0 for all)' },
  { key: 'dataDir', env: 'TSUNAGU_DATA_DIR', flag: 'data-dir', type: 'path', default: './tsunagu-data', description: 'folder for the embedded database and other state' },
  { key: 'databaseUrl', env: 'TSUNAGU_DATABASE_URL', flag: 'database-url', type: 'postgres-url', description: 'postgres://… to use a PostgreSQL+PostGIS server instead of embedded PGlite' },
  { key: 'logLevel', env: 'TSUNAGU_LOG_LEVEL', flag: 'log-level', type: 'log-level', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'publicBaseUrl', env: 'TSUNAGU_PUBLIC_URL', flag: 'public-url', type: 'string', description: 'URL clients use to reach this hub (for Location headers and hosted @contexts); default http://host:port' },
  { key: 'maxBodyBytes', env: 'TSUNAGU_MAX_BODY_BYTES', type: 'bytes', default: 1048576, min: 1024, max: 104857600, description: 'largest request body accepted; larger gets 413' },
  { key: 'maxJsonDepth', env: 'TSUNAGU_MAX_JSON_DEPTH', type: 'int', default: 32, min: 4, max: 256, description: 'deepest JSON nesting accepted in a body; deeper gets 400' },
  { key: 'maxBatchSize', env: 'TSUNAGU_MAX_BATCH_SIZE', type: 'int', default: 1000, min: 1, max: 100000, description: 'most entities in one batch operation' },
  { key: 'maxQueryLimit', env: 'TSUNAGU_MAX_QUERY_LIMIT', type: 'int', default: 1000, min: 1, max: 100000, description: 'largest page size (limit) a query may ask for' },
  { key: 'defaultQueryLimit', env: 'TSUNAGU_DEFAULT_QUERY_LIMIT', type: 'int', default: 20, min: 1, max: 100000, description: 'page size when a query gives no limit' },
  { key: 'contextFetchTimeoutMs', env: 'TSUNAGU_CONTEXT_FETCH_TIMEOUT_MS', type: 'int', default: 5000, min: 100, max: 60000, description: 'time allowed to fetch a remote @context' },
  { key: 'contextAllowPrivateHosts', env: 'TSUNAGU_CONTEXT_ALLOW_PRIVATE_HOSTS', type: 'bool', default: 'false', description: 'let @context URLs point at loopback or private-network hosts (off: a request cannot make the hub probe its own network)' },
  { key: 'shutdownTimeoutMs', env: 'TSUNAGU_SHUTDOWN_TIMEOUT_MS', type: 'int', default: 10000, min: 0, max: 600000, description: 'time in-flight requests get to finish on shutdown' },
  { key: 'dbPoolSize', env: 'TSUNAGU_DB_POOL_SIZE', type: 'int', default: 10, min: 1, max: 200, description: 'PostgreSQL connections (server engine only)' },
];
