/** Reads and validates the hub's configuration; a bad setting stops the start with its name. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS, type HubConfig, type SettingSpec } from './settings.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Parsed CLI flags keyed by flag name (`data-dir`), or by setting key. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file whose keys are setting keys (`dataDir`). */
  configFile?: string;
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function parseValue(spec: SettingSpec, raw: unknown, origin: string): unknown {
  const where = `setting ${spec.key} (${origin})`;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (spec.type) {
    case 'port':
    case 'int':
    case 'bytes': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw new ConfigError(`${where}: expected a whole number, got ${JSON.stringify(raw)}`);
      const min = spec.type === 'port' ? 0 : spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.type === 'port' ? 65535 : spec.max ?? Number.MAX_SAFE_INTEGER;
      if (n < min || n > max) throw new ConfigError(`${where}: ${n} is out of range ${min}..${max}`);
      return n;
    }
    case 'postgres-url': {
      if (typeof text !== 'string' || text === '') return undefined;
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new ConfigError(`${where}: not a URL`);
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new ConfigError(`${where}: must start with postgres:// or postgresql://`);
      }
      return text;
    }
    case 'bool':
      if (text === true || text === 'true' || text === '1') return true;
      if (text === false || text === 'false' || text === '0') return false;
      throw new ConfigError(`${where}: expected true or false`);
    case 'log-level':
      if (typeof text !== 'string' || !LOG_LEVELS.has(text)) {
        throw new ConfigError(`${where}: expected one of ${[...LOG_LEVELS].join(', ')}`);
      }
      return text;
    case 'host':
      if (typeof text !== 'string' || !/^[A-Za-z0-9.:\-[\]]+$/.test(text)) throw new ConfigError(`${where}: not a host name or address`);
      return text;
    case 'path':
    case 'string':
      if (typeof text !== 'string') throw new ConfigError(`${where}: expected a string`);
      if (text === '') return spec.type === 'string' ? undefined : (() => { throw new ConfigError(`${where}: must not be empty`); })();
      return text;
  }
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path}: must hold a JSON object of settings`);
  }
  const known = new Set(SETTINGS.map((s) => s.key as string));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`config file ${path}: unknown setting ${key}`);
  }
  return parsed as Record<string, unknown>;
}

/** Builds the validated configuration from defaults, a config file, the environment and flags. */
export function loadConfig(sources: ConfigSources = {}): HubConfig {
  const env = sources.env ?? process.env;
  const file = sources.configFile ?? env['TSUNAGU_CONFIG'];
  const fromFile = file ? readConfigFile(file) : {};
  const flags = sources.flags ?? {};
  const out: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    let value: unknown = spec.default;
    if (spec.key in fromFile) value = parseValue(spec, fromFile[spec.key], `config file ${file}`);
    const envValue = env[spec.env];
    if (envValue !== undefined && envValue !== '') value = parseValue(spec, envValue, `environment ${spec.env}`);
    const flagValue = (spec.flag !== undefined ? flags[spec.flag] : undefined) ?? flags[spec.key];
    if (flagValue !== undefined) value = parseValue(spec, flagValue, `flag --${spec.flag ?? spec.key}`);
    else if (value !== undefined && value === spec.default) value = parseValue(spec, value, 'default');
    out[spec.key] = value;
  }
  const config = out as unknown as HubConfig;
  if (config.defaultQueryLimit > config.maxQueryLimit) {
    throw new ConfigError(`setting defaultQueryLimit (${config.defaultQueryLimit}) must not exceed maxQueryLimit (${config.maxQueryLimit})`);
  }
  return config;
}

/** The URL clients use to reach this hub. */
export function publicBaseUrl(config: HubConfig, boundPort?: number): string {
  if (config.publicBaseUrl) return config.publicBaseUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort ?? config.port}`;
}
