/** Starts a hub on a test engine, on a free port, and gives a small HTTP client for it. */
import { loadConfig, type SqlEngine } from '../../src/core/index.js';
import { startHub, type Hub } from '../../src/cli/index.js';
import { pino } from 'pino';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when there is none. */
  body: any;
  text: string;
}

export type ResponseCheck = (method: string, path: string, r: ApiResponse) => void;

/** Starts a hub (broker) on the given engine with test settings. */
export async function startTestHub(engine: SqlEngine, settings: Record<string, string> = {}): Promise<Hub> {
  // Tests serve their @contexts from 127.0.0.1, which production refuses by default.
  const config = loadConfig({ env: {}, flags: { port: '0', 'log-level': 'silent', contextAllowPrivateHosts: 'true', ...settings } });
  // TSUNAGU_TEST_LOG=debug shows the hub's log while a test runs.
  return startHub({ config, engine, logger: pino({ level: process.env['TSUNAGU_TEST_LOG'] ?? 'silent' }, process.stderr) });
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  contentType?: string;
}

/** A fetch-based client bound to a hub's base URL; every response goes through `check`. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly defaults: Record<string, string> = {},
    private readonly check?: ResponseCheck,
  ) {}

  /** A client that sends the given headers on every request (e.g. NGSILD-Tenant). */
  with(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.defaults, ...headers }, this.check);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...this.defaults, ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= options.contentType ?? 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const out: ApiResponse = { status: res.status, headers: res.headers, body: parsed, text };
    this.check?.(method, path, out);
    return out;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, headers ? { headers } : {});
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, { body, ...(headers ? { headers } : {}) });
  }
  put(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PUT', path, { body, ...(headers ? { headers } : {}) });
  }
  patch(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', path, { body, ...(headers ? { headers } : {}) });
  }
  delete(path: string, headers?: Record<string, string>) {
    return this.request('DELETE', path, headers ? { headers } : {});
  }
}

/** Percent-encodes an entity id for a URL path. */
export const enc = (id: string) => encodeURIComponent(id);
