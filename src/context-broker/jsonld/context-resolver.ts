/**
 * The one door through which a request's @context becomes a TermMap (ETSI GS CIM 009 clauses 5.5.7,
 * 6.3.5). Compiled maps sit in a bounded LRU keyed by the context value; fetched documents sit in a
 * second bounded LRU with a TTL (the "Cached" @contexts of clause 5.13.1). Concurrent requests for
 * the same URL or context share one fetch and one compilation. This hub's own hosted URLs are read
 * from the registry, never fetched over HTTP.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger, ProblemError } from '../../core/index.js';
import { ngsiError } from '../errors.js';
import { compileContext, coreTermMap, isCoreContextUrl, type CompileOptions } from './compile.js';
import { createRemoteLoader, type DocumentLoader } from './remote-loader.js';
import type { TermMap } from './term-map.js';

/** A parse outcome: parsers never throw, the caller turns `error` into a BadRequestData problem. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The link relation that marks a JSON-LD context (JSON-LD 1.1 §6.1). */
export const JSONLD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

/** This hub's own hosted @contexts, as the resolver sees them (implemented by ContextRegistry). */
export interface LocalContextSource {
  /** True when this hub serves the URL itself, so it must never be fetched over HTTP. */
  owns(url: string): boolean;
  /** The stored document ({"@context": …}) behind one of our URLs, or undefined when there is none. */
  lookup(url: string): Promise<unknown>;
  /** Counts one use of one of our URLs (numberOfHits, lastUsage of clause 5.13.3.5). */
  recordUse(url: string, at: number): void;
  /** Gives the source the resolver's view of the Cached contexts (for listing and deleting them). */
  bindCache?(cache: CachedContexts): void;
}

/** One fetched document held in the cache. */
export interface CachedContextInfo {
  url: string;
  fetchedAt: number;
  expiresAt: number;
  numberOfHits: number;
  lastUsage?: number;
}

/** What the @context management API needs from the resolver's caches. */
export interface CachedContexts {
  cachedContexts(): CachedContextInfo[];
  cachedContext(url: string): CachedContextInfo | undefined;
  forget(url: string): boolean;
  reload(url?: string): Promise<void>;
  coreUsage(): { numberOfHits: number; lastUsage?: number; since: number };
}

export interface ContextResolverOptions {
  /** Fetches remote documents (default: createRemoteLoader with fetchTimeoutMs / maxFetchBytes). */
  loader?: DocumentLoader;
  fetchTimeoutMs?: number;
  maxFetchBytes?: number;
  /** This hub's hosted contexts; the resolver binds itself to it as its Cached view. */
  registry?: LocalContextSource;
  logger?: Logger;
  /** Compiled maps kept (default 256). */
  maxCompiled?: number;
  /** Terms kept over all compiled maps, so a few huge contexts cannot fill memory (default 500 000). */
  maxCompiledTerms?: number;
  /** Fetched documents kept (default 128). */
  maxDocuments?: number;
  /** How long a fetched document is used before it is fetched again (default 1 hour). */
  documentTtlMs?: number;
  /** Floor for a server's Cache-Control max-age, and the retry delay after a failed refresh (default 60 s). */
  minDocumentTtlMs?: number;
  /** How long a failed fetch is remembered before trying that URL again (default 10 s; 0 = never). */
  failureTtlMs?: number;
  compile?: Pick<CompileOptions, 'maxDepth' | 'maxRemoteContexts' | 'allowScopedContexts'>;
  /** Clock, for tests. */
  now?: () => number;
}

export interface ContextResolverStats {
  compiledHits: number;
  compiledMisses: number;
  compiledSize: number;
  documentHits: number;
  documentMisses: number;
  documentSize: number;
  fetches: number;
  fetchFailures: number;
  staleServed: number;
}

interface CachedDocument extends CachedContextInfo {
  document: unknown;
}

interface CompiledEntry {
  termMap: TermMap;
  expiresAt: number;
}

// One link-value of RFC 8288: <target> then ;-parameters. Unquoted values are read leniently up to
// the next ; , or space, because unquoted relation URIs are common though ":" and "/" are not token characters.
const LINK_VALUE = /[\s,]*<([^>]*)>((?:\s*;\s*[!#$%&'*+.^`|~\w-]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)\s*(?:,|$)/y;
const LINK_PARAM = /;\s*([!#$%&'*+.^`|~\w-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*)))?/g;

/** Picks the JSON-LD context link of an RFC 8288 Link header; two such links are an error (JSON-LD 1.1 §6.1, clause 6.3.5). */
export function parseContextLink(header: string | readonly string[] | undefined): Result<string | undefined> {
  // Several Link header lines mean the same as one line with comma-separated links (RFC 9110 §5.3).
  const text = typeof header === 'string' ? header : header?.join(', ');
  if (text === undefined || text.trim() === '') return { ok: true, value: undefined };
  const targets: string[] = [];
  LINK_VALUE.lastIndex = 0;
  while (!/^[\s,]*$/.test(text.slice(LINK_VALUE.lastIndex))) {
    const m = LINK_VALUE.exec(text);
    if (m === null) return { ok: false, error: `the Link header is badly formed: ${text}` };
    // RFC 8288 §3.3: only the first rel parameter counts; relation types compare case-insensitively.
    const rel = [...m[2]!.matchAll(LINK_PARAM)].find((p) => p[1]!.toLowerCase() === 'rel');
    const rels = (rel?.[2]?.replace(/\\(.)/g, '$1') ?? rel?.[3] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes(JSONLD_CONTEXT_REL)) targets.push(m[1]!.trim());
  }
  if (targets.length === 0) return { ok: true, value: undefined };
  if (targets.length > 1) {
    return { ok: false, error: `only one Link header may have rel="${JSONLD_CONTEXT_REL}" (JSON-LD 1.1: multiple context link headers)` };
  }
  const target = targets[0]!;
  try {
    new URL(target);
  } catch {
    return { ok: false, error: `the JSON-LD context link <${target}> is not an absolute URL` };
  }
  return { ok: true, value: target };
}

/** Canonical form of a @context URL given by a client (absolute only). */
function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    throw ngsiError('badRequestData', `@context "${url}" is not an absolute URL`);
  }
}

/** JSON with sorted keys, so equal inline contexts share one cache entry. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Turns request @contexts into TermMaps through bounded caches of compiled maps and fetched documents. */
export class ContextResolver implements CachedContexts {
  /** The core context alone: what a request without any @context gets. */
  readonly core: TermMap;
  private local: LocalContextSource | undefined;
  private readonly loader: DocumentLoader;
  private readonly logger: Logger | undefined;
  private readonly compiled: LRUCache<string, CompiledEntry>;
  private readonly documents: LRUCache<string, CachedDocument>;
  private readonly failures: LRUCache<string, { error: unknown; until: number }>;
  private readonly compiling = new Map<string, Promise<TermMap>>();
  private readonly fetching = new Map<string, Promise<CachedDocument>>();
  private readonly compileOptions: CompileOptions;
  private readonly documentTtlMs: number;
  private readonly minDocumentTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly now: () => number;
  private readonly since: number;
  private coreHits = 0;
  private coreLastUsage: number | undefined;
  private readonly counters = { compiledHits: 0, compiledMisses: 0, documentHits: 0, documentMisses: 0, fetches: 0, fetchFailures: 0, staleServed: 0 };

  constructor(options: ContextResolverOptions = {}) {
    this.core = coreTermMap();
    this.now = options.now ?? Date.now;
    this.since = this.now();
    this.logger = options.logger;
    this.loader = options.loader ?? createRemoteLoader({ timeoutMs: options.fetchTimeoutMs, maxBytes: options.maxFetchBytes });
    this.documentTtlMs = options.documentTtlMs ?? 3_600_000;
    this.minDocumentTtlMs = Math.min(options.minDocumentTtlMs ?? 60_000, this.documentTtlMs);
    this.failureTtlMs = options.failureTtlMs ?? 10_000;
    this.compileOptions = { ...options.compile };
    this.compiled = new LRUCache<string, CompiledEntry>({
      max: options.maxCompiled ?? 256,
      maxSize: options.maxCompiledTerms ?? 500_000,
      sizeCalculation: (entry) => entry.termMap.size + 1,
    });
    this.documents = new LRUCache<string, CachedDocument>({
      max: options.maxDocuments ?? 128,
      // A replaced, evicted or deleted document takes the maps compiled from it along.
      dispose: (_value, url) => this.purgeCompiled(url),
    });
    this.failures = new LRUCache({ max: 128 });
    if (options.registry !== undefined) this.attachLocalSource(options.registry);
  }

  /** Makes `source` the authority for this hub's own URLs, and gives it this resolver's Cached view. */
  attachLocalSource(source: LocalContextSource): void {
    this.local = source;
    source.bindCache?.(this);
  }

  /**
   * Resolves what a request gave — undefined (nothing: core only), a URL (Link header or body) or an
   * inline @context (object or array) — into a TermMap that always includes the core context.
   */
  async resolve(context: unknown): Promise<TermMap> {
    const now = this.now();
    let key: string;
    let value = context;
    if (context === undefined) {
      this.useCore(now);
      return this.core;
    } else if (typeof context === 'string') {
      const url = normalizeUrl(context);
      if (isCoreContextUrl(url)) {
        this.useCore(now);
        return this.core;
      }
      key = `u:${url}`;
      value = url;
    } else if (typeof context === 'object') {
      key = `j:${createHash('sha256').update(stableJson(context)).digest('base64url')}`;
    } else {
      throw ngsiError('badRequestData', `@context must be a URL, an object or an array, not ${JSON.stringify(context)}`);
    }
    const hit = this.compiled.get(key);
    if (hit !== undefined && hit.expiresAt > now) {
      this.counters.compiledHits++;
      this.recordUse(hit.termMap, now);
      return hit.termMap;
    }
    this.counters.compiledMisses++;
    const termMap = await this.compileOnce(key, value);
    this.recordUse(termMap, now);
    return termMap;
  }

  /** Empties every cache (no URL), or fetches one URL again now, keeping the old copy if that fails. */
  async reload(url?: string): Promise<void> {
    if (url === undefined) {
      this.compiled.clear();
      this.documents.clear();
      this.failures.clear();
      return;
    }
    const u = normalizeUrl(url);
    if (isCoreContextUrl(u)) return;
    if (this.local?.owns(u)) {
      this.purgeCompiled(u);
      return;
    }
    this.failures.delete(u);
    await this.fetchOnce(u);
  }

  /** Drops one URL's document and every map compiled from it; true when a document was cached. */
  forget(url: string): boolean {
    const u = normalizeUrl(url);
    const existed = this.documents.delete(u);
    this.failures.delete(u);
    this.purgeCompiled(u);
    return existed;
  }

  /** The fetched documents now held, most recently used first. */
  cachedContexts(): CachedContextInfo[] {
    return [...this.documents.values()].map(infoOf);
  }

  /** One fetched document's metadata, by its URL. */
  cachedContext(url: string): CachedContextInfo | undefined {
    let u: string;
    try {
      u = new URL(url).href;
    } catch {
      return undefined;
    }
    const doc = this.documents.peek(u);
    return doc === undefined ? undefined : infoOf(doc);
  }

  /** How often the (bundled) core context was used. */
  coreUsage(): { numberOfHits: number; lastUsage?: number; since: number } {
    return this.coreLastUsage === undefined ? { numberOfHits: this.coreHits, since: this.since } : { numberOfHits: this.coreHits, lastUsage: this.coreLastUsage, since: this.since };
  }

  /** Hit and miss counters and cache sizes, for metrics. */
  stats(): ContextResolverStats {
    return { ...this.counters, compiledSize: this.compiled.size, documentSize: this.documents.size };
  }

  private compileOnce(key: string, context: unknown): Promise<TermMap> {
    let pending = this.compiling.get(key);
    if (pending === undefined) {
      pending = this.compile(key, context).finally(() => this.compiling.delete(key));
      this.compiling.set(key, pending);
    }
    return pending;
  }

  private async compile(key: string, context: unknown): Promise<TermMap> {
    const termMap = await compileContext(context, { ...this.compileOptions, load: (url) => this.loadDocument(url) });
    // A compiled map lives no longer than the freshest-needed of the documents it was built from.
    let expiresAt = this.now() + this.documentTtlMs;
    for (const url of termMap.dependencies) {
      const doc = this.documents.peek(url);
      if (doc !== undefined && doc.expiresAt < expiresAt) expiresAt = doc.expiresAt;
    }
    if (termMap.shadowedTerms.length > 0) {
      this.logger?.debug({ terms: termMap.shadowedTerms.slice(0, 20) }, 'user @context redefines core terms; the core definitions win');
    }
    this.compiled.set(key, { termMap, expiresAt });
    return termMap;
  }

  private async loadDocument(url: string): Promise<unknown> {
    const local = this.local;
    if (local?.owns(url)) {
      const document = await local.lookup(url);
      if (document === undefined) throw ngsiError('ldContextNotAvailable', `@context ${url} is not hosted by this broker`);
      return document;
    }
    const now = this.now();
    const cached = this.documents.get(url);
    if (cached !== undefined && cached.expiresAt > now) {
      this.counters.documentHits++;
      return cached.document;
    }
    this.counters.documentMisses++;
    try {
      return (await this.fetchOnce(url)).document;
    } catch (err) {
      if (cached === undefined) throw err;
      // Stale-if-error: a town's uplink drops now and then; keep the copy we had and retry later.
      cached.expiresAt = now + this.minDocumentTtlMs;
      this.counters.staleServed++;
      this.logger?.warn({ url, reason: (err as ProblemError).detail ?? String(err) }, 'refreshing a cached @context failed; using the stale copy');
      return cached.document;
    }
  }

  private fetchOnce(url: string): Promise<CachedDocument> {
    let pending = this.fetching.get(url);
    if (pending === undefined) {
      pending = this.fetch(url).finally(() => this.fetching.delete(url));
      this.fetching.set(url, pending);
    }
    return pending;
  }

  private async fetch(url: string): Promise<CachedDocument> {
    const failure = this.failures.get(url);
    if (failure !== undefined && failure.until > this.now()) throw failure.error;
    this.counters.fetches++;
    try {
      const remote = await this.loader(url);
      const doc = remote.document;
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !Object.prototype.hasOwnProperty.call(doc, '@context')) {
        throw ngsiError('badRequestData', `@context ${url} has no top-level @context member`);
      }
      const fetchedAt = this.now();
      const ttl = remote.maxAgeSeconds === undefined ? this.documentTtlMs : Math.min(this.documentTtlMs, Math.max(this.minDocumentTtlMs, remote.maxAgeSeconds * 1000));
      const previous = this.documents.peek(url);
      const entry: CachedDocument = { url, document: doc, fetchedAt, expiresAt: fetchedAt + ttl, numberOfHits: previous?.numberOfHits ?? 0 };
      if (previous?.lastUsage !== undefined) entry.lastUsage = previous.lastUsage;
      this.failures.delete(url);
      this.documents.set(url, entry);
      return entry;
    } catch (err) {
      this.counters.fetchFailures++;
      if (this.failureTtlMs > 0) this.failures.set(url, { error: err, until: this.now() + this.failureTtlMs });
      this.logger?.info({ url, reason: (err as ProblemError).detail ?? String(err) }, 'fetching a @context failed');
      throw err;
    }
  }

  private recordUse(termMap: TermMap, now: number): void {
    this.useCore(now);
    for (const url of termMap.dependencies) {
      if (this.local?.owns(url)) {
        this.local.recordUse(url, now);
        continue;
      }
      const doc = this.documents.peek(url);
      if (doc !== undefined) {
        doc.numberOfHits++;
        doc.lastUsage = now;
      }
    }
  }

  private useCore(now: number): void {
    this.coreHits++;
    this.coreLastUsage = now;
  }

  private purgeCompiled(url: string): void {
    // Collect first: deleting while the LRU iterates could skip entries.
    const stale: string[] = [];
    for (const [key, entry] of this.compiled.entries()) {
      if (entry.termMap.dependencies.includes(url)) stale.push(key);
    }
    for (const key of stale) this.compiled.delete(key);
  }
}

function infoOf(doc: CachedDocument): CachedContextInfo {
  const info: CachedContextInfo = { url: doc.url, fetchedAt: doc.fetchedAt, expiresAt: doc.expiresAt, numberOfHits: doc.numberOfHits };
  if (doc.lastUsage !== undefined) info.lastUsage = doc.lastUsage;
  return info;
}
