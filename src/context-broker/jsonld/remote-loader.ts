/**
 * Fetches remote @context documents over HTTP(S) with hard limits, and turns every failure into an
 * NGSI-LD problem: LdContextNotAvailable (503) when the document cannot be had (network, timeout,
 * HTTP error), BadRequestData (400) when what came back can never be a context (clause 5.5.2).
 */
import axios, { AxiosError } from 'axios';
import { ngsiError } from '../errors.js';
import { literalHostProblem, publicOnlyAgents } from './private-address.js';

export interface RemoteDocument {
  /** The URL asked for (the cache key), not the one redirects ended at. */
  url: string;
  /** The parsed JSON body. */
  document: unknown;
  /** Freshness the server announced (Cache-Control max-age), if any. */
  maxAgeSeconds?: number;
}

/** Fetches one document; rejects with a ProblemError. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export interface RemoteLoaderOptions {
  /** Whole-request deadline, connect to last byte (default 5000 ms). */
  timeoutMs?: number;
  /** Largest body accepted, after decompression (default 1 MiB). */
  maxBytes?: number;
  /** Redirects followed (default 5); never to another scheme than http(s), never https → http. */
  maxRedirects?: number;
  /** Allow loopback and private-network hosts (default false: a request must not make the hub probe its own network). */
  allowPrivateHosts?: boolean;
}

const JSON_TYPES = /^(application\/(json|ld\+json|[\w.+-]+\+json)|text\/plain|application\/octet-stream)$/;

/** Checks that a @context URL is one we may fetch: absolute http or https. */
export function assertFetchableUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ngsiError('badRequestData', `@context "${url}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw ngsiError('badRequestData', `@context ${url} must be an http or https URL`);
  }
  return parsed;
}

/** Builds the HTTP loader for remote @contexts. */
export function createRemoteLoader(options: RemoteLoaderOptions = {}): DocumentLoader {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const guard = options.allowPrivateHosts ? undefined : publicOnlyAgents();

  return async (url) => {
    const start = assertFetchableUrl(url);
    const literal = guard ? literalHostProblem(start.hostname) : undefined;
    if (literal) throw ngsiError('badRequestData', `@context ${url} is refused: ${literal} (TSUNAGU_CONTEXT_ALLOW_PRIVATE_HOSTS allows it)`);
    let refused: string | undefined;
    let response;
    try {
      response = await axios.get<string>(url, {
        // The socket timeout alone would let a server trickle bytes forever; the signal is a deadline.
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        maxContentLength: maxBytes,
        maxRedirects,
        ...(guard ?? {}),
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        headers: { Accept: 'application/ld+json, application/json;q=0.9, */*;q=0.1' },
        validateStatus: (status) => status >= 200 && status < 300,
        beforeRedirect: (redirect: { protocol?: string; href?: string; hostname?: string }) => {
          const protocol = redirect.protocol ?? '';
          const hostProblem = guard && redirect.hostname ? literalHostProblem(redirect.hostname) : undefined;
          if (hostProblem) {
            refused = `redirected to a host that is refused: ${hostProblem}`;
            throw new Error(refused);
          }
          if ((protocol !== 'http:' && protocol !== 'https:') || (start.protocol === 'https:' && protocol === 'http:')) {
            refused = `redirected to a ${protocol || 'different'} URL`;
            throw new Error(refused);
          }
        },
      });
    } catch (err) {
      throw describeFailure(url, err, refused, timeoutMs, maxBytes);
    }

    const contentType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== '' && !JSON_TYPES.test(contentType)) {
      throw ngsiError('badRequestData', `@context ${url} is not JSON (Content-Type ${contentType})`);
    }
    let document: unknown;
    try {
      document = JSON.parse(String(response.data));
    } catch {
      throw ngsiError('badRequestData', `@context ${url} is not valid JSON`);
    }
    const maxAge = maxAgeOf(response.headers['cache-control']);
    return maxAge === undefined ? { url, document } : { url, document, maxAgeSeconds: maxAge };
  };
}

/** Seconds of freshness from a Cache-Control header; no-store / no-cache count as 0. */
function maxAgeOf(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(header)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(header);
  return m ? Number(m[1]) : undefined;
}

function describeFailure(url: string, err: unknown, refused: string | undefined, timeoutMs: number, maxBytes: number) {
  if (refused !== undefined) return ngsiError('badRequestData', `@context ${url} was ${refused}`);
  const e = err instanceof AxiosError ? err : undefined;
  if (e?.message.startsWith('maxContentLength')) {
    return ngsiError('badRequestData', `@context ${url} is larger than ${maxBytes} bytes`);
  }
  if (e?.response !== undefined) {
    return ngsiError('ldContextNotAvailable', `@context ${url} could not be retrieved: HTTP ${e.response.status}`);
  }
  const code = e?.code ?? (err as { code?: string } | undefined)?.code;
  if (code === 'ENONPUBLIC' || (e?.cause as { code?: string } | undefined)?.code === 'ENONPUBLIC') {
    return ngsiError('badRequestData', `@context ${url} is refused: its host is not a public address (TSUNAGU_CONTEXT_ALLOW_PRIVATE_HOSTS allows it)`);
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || (err as Error | undefined)?.name === 'TimeoutError') {
    return ngsiError('ldContextNotAvailable', `@context ${url} could not be retrieved: no answer within ${timeoutMs} ms`);
  }
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  return ngsiError('ldContextNotAvailable', `@context ${url} could not be retrieved: ${reason}`);
}
