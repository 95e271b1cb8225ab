/**
 * The @context store of ETSI GS CIM 009 clause 5.13. Hosted and ImplicitlyCreated contexts are rows
 * in SQL, so they survive a restart and every replica sees them; Cached ones are the resolver's
 * fetched documents; the bundled core context is listed as Cached. The registry also answers the
 * resolver for this hub's own hosted URLs, so those are never fetched over HTTP.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ProblemError, type Migration, type SqlExecutor } from '../../core/index.js';
import { ngsiError, ngsiErrorType } from '../errors.js';
import { CORE_CONTEXT_URL, compileContext, isCoreContextUrl } from './compile.js';
import type { CachedContexts, LocalContextSource } from './context-resolver.js';
import { assertFetchableUrl } from './remote-loader.js';

/** Schema of the @context store (module context-broker, versions 100–109 are ours). */
export const jsonldMigrations: Migration[] = [
  {
    module: 'context-broker',
    version: 100,
    name: 'jsonld_context table for hosted and implicitly created @contexts',
    sql: `
CREATE TABLE jsonld_context (
  local_id text PRIMARY KEY,
  tenant text NOT NULL DEFAULT '',
  kind text NOT NULL CHECK (kind IN ('Hosted', 'ImplicitlyCreated')),
  body json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE INDEX jsonld_context_tenant_idx ON jsonld_context (tenant, kind, created_at)
`,
  },
];

export type ContextKind = 'Hosted' | 'Cached' | 'ImplicitlyCreated';

/** The kinds of stored @context (clause 5.13.1). */
export const CONTEXT_KINDS: readonly ContextKind[] = ['Hosted', 'Cached', 'ImplicitlyCreated'];

/** Metadata of one stored @context (clause 5.13.3.5). */
export interface ContextMetadata {
  URL: string;
  localId: string;
  kind: ContextKind;
  createdAt: string;
  expiresAt?: string;
  lastUsage?: string;
  numberOfHits: number;
  extraInfo?: Record<string, unknown>;
}

export interface ContextRegistryDeps {
  db: SqlExecutor;
  /** Public base URL of this hub, or a function giving it once the port is known. */
  baseUrl: string | (() => string);
  /** Largest @context accepted for hosting, serialised (default 1 MiB). */
  maxContextBytes?: number;
  /** Makes local identifiers (default: urn:ngsi-ld:JsonldContext:<uuid>). */
  newLocalId?: () => string;
}

export interface AddedContext {
  localId: string;
  /** Absolute URL clients use in Link headers. */
  url: string;
  /** Relative path for the Location header (clause 6.29.3.1). */
  location: string;
}

const API_PATH = '/ngsi-ld/v1/jsonldContexts/';
const LOCAL_ID_PREFIX = 'urn:ngsi-ld:JsonldContext:';
const CORE_LOCAL_ID = `${LOCAL_ID_PREFIX}core`;

type StoredKind = 'Hosted' | 'ImplicitlyCreated';

interface Row {
  local_id: string;
  kind: StoredKind;
  body: unknown;
  created_at: Date | string;
}

type Found = { kind: 'Cached'; url: string; core: boolean } | { kind: StoredKind; localId: string; row: Row };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function iso(t: number | Date | string): string {
  return new Date(t).toISOString();
}

/** The stable local identifier of a Cached @context: derived from its URL, so every replica agrees. */
function cachedLocalId(url: string): string {
  return `${LOCAL_ID_PREFIX}cached-${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
}

/** The @context management operations of clause 5.13 over SQL (Hosted, ImplicitlyCreated) and the resolver (Cached). */
export class ContextRegistry implements LocalContextSource {
  private readonly db: SqlExecutor;
  private readonly baseUrl: () => string;
  private readonly maxContextBytes: number;
  private readonly newLocalId: () => string;
  private readonly createdAt = Date.now();
  /** Uses of hosted contexts on this replica; optional metadata, so not persisted. */
  private readonly usage = new Map<string, { hits: number; lastUsage: number }>();
  private cache: CachedContexts | undefined;

  constructor(deps: ContextRegistryDeps) {
    this.db = deps.db;
    const base = deps.baseUrl;
    this.baseUrl = typeof base === 'string' ? () => base : base;
    this.maxContextBytes = deps.maxContextBytes ?? 1024 * 1024;
    this.newLocalId = deps.newLocalId ?? (() => `${LOCAL_ID_PREFIX}${randomUUID()}`);
  }

  /** Checks the store answers (migrations applied); returns how many contexts it holds. */
  async load(): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jsonld_context');
    return r.rows[0]?.n ?? 0;
  }

  /** Lets the registry list, delete and reload the resolver's Cached contexts (called by the resolver). */
  bindCache(cache: CachedContexts): void {
    this.cache = cache;
  }

  /** Absolute URL at which this hub serves a stored context. */
  urlOf(localId: string): string {
    return this.hostedPrefix() + localId;
  }

  /** Stores a client's @context as Hosted (clause 5.13.2); the body is {"@context": …}. */
  async add(body: unknown, tenant = ''): Promise<AddedContext> {
    if (!isObject(body) || !Object.prototype.hasOwnProperty.call(body, '@context')) {
      throw ngsiError('invalidRequest', 'the body must be a JSON object with an @context member (clause 5.13.2.3)');
    }
    // Anything outside the @context subtree is discarded, as clause 5.13.2.3 requires.
    return this.insert('Hosted', body['@context'], tenant);
  }

  /** Stores a @context the broker needs to serve itself, e.g. a subscription's array (kind ImplicitlyCreated). */
  async addImplicit(context: unknown, tenant = ''): Promise<AddedContext> {
    return this.insert('ImplicitlyCreated', context, tenant);
  }

  /** Lists stored contexts as URLs, or as metadata with `details` (clause 5.13.3). */
  async list(options: { kind?: ContextKind; details?: boolean } = {}, tenant = ''): Promise<string[] | ContextMetadata[]> {
    const { kind, details = false } = options;
    const entries: ContextMetadata[] = [];
    if (kind === undefined || kind === 'Cached') {
      entries.push(this.coreMetadata());
      const cached = (this.cache?.cachedContexts() ?? []).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
      for (const c of cached) entries.push(this.cachedMetadata(c.url)!);
    }
    if (kind !== 'Cached') {
      const r = kind === undefined
        ? await this.db.query<Row>('SELECT local_id, kind, created_at FROM jsonld_context WHERE tenant = $1 ORDER BY created_at, local_id', [tenant])
        : await this.db.query<Row>('SELECT local_id, kind, created_at FROM jsonld_context WHERE tenant = $1 AND kind = $2 ORDER BY created_at, local_id', [tenant, kind]);
      for (const row of r.rows) entries.push(this.storedMetadata(row));
    }
    return details ? entries : entries.map((e) => e.URL);
  }

  /** The full content of a Hosted or ImplicitlyCreated context (clause 5.13.4). */
  async serve(id: string, tenant = ''): Promise<unknown> {
    const found = await this.find(id, tenant);
    if (found === undefined) throw ngsiError('resourceNotFound', `no @context ${id} is stored`);
    if (found.kind === 'Cached') {
      throw ngsiError('operationNotSupported', `@context ${id} is Cached; only Hosted and ImplicitlyCreated ones are served (clause 5.13.4.4)`);
    }
    return found.row.body;
  }

  /** The metadata of one stored context, found by local id or, for Cached ones, by URL. */
  async describe(id: string, tenant = ''): Promise<ContextMetadata> {
    const found = await this.find(id, tenant);
    if (found === undefined) throw ngsiError('resourceNotFound', `no @context ${id} is stored`);
    if (found.kind !== 'Cached') return this.storedMetadata(found.row);
    return found.core ? this.coreMetadata() : this.cachedMetadata(found.url)!;
  }

  /** Deletes a stored context, or with `reload` downloads a Cached one again (clause 5.13.5). */
  async delete(id: string, options: { reload?: boolean } = {}, tenant = ''): Promise<void> {
    if (id === '') throw ngsiError('badRequestData', 'the @context identifier is missing');
    const found = await this.find(id, tenant);
    if (options.reload === true) {
      // Only Cached contexts have an original to download again; checked first, as ETSI TP 051_04 expects.
      if (found?.kind !== 'Cached') {
        throw ngsiError('badRequestData', `only Cached @contexts can be reloaded; ${id} is ${found === undefined ? 'not stored' : found.kind}`);
      }
      if (found.core) return;
      try {
        await this.cache?.reload(found.url);
      } catch (err) {
        throw reloadFailed(found.url, err);
      }
      return;
    }
    if (found === undefined) throw ngsiError('resourceNotFound', `no @context ${id} is stored`);
    if (found.kind === 'Cached') {
      if (found.core) throw ngsiError('badRequestData', 'the NGSI-LD core @context cannot be deleted');
      this.cache?.forget(found.url);
      return;
    }
    await this.db.query('DELETE FROM jsonld_context WHERE local_id = $1 AND tenant = $2', [found.localId, tenant]);
    this.usage.delete(found.localId);
    // Maps compiled from the deleted context must not outlive it.
    this.cache?.forget(this.urlOf(found.localId));
  }

  /** True when a URL is one of this hub's hosted-context URLs. */
  owns(url: string): boolean {
    return url.startsWith(this.hostedPrefix());
  }

  /** The stored document behind one of our URLs (any tenant: the URL itself is the capability). */
  async lookup(url: string): Promise<unknown> {
    const localId = this.localIdOf(url);
    if (localId === undefined) return undefined;
    const r = await this.db.query<{ body: unknown }>('SELECT body FROM jsonld_context WHERE local_id = $1', [localId]);
    return r.rows[0]?.body;
  }

  /** Counts one use of one of our URLs. */
  recordUse(url: string, at: number): void {
    const localId = this.localIdOf(url);
    if (localId === undefined) return;
    const u = this.usage.get(localId);
    if (u === undefined) this.usage.set(localId, { hits: 1, lastUsage: at });
    else {
      u.hits++;
      u.lastUsage = at;
    }
  }

  private async insert(kind: StoredKind, context: unknown, tenant: string): Promise<AddedContext> {
    const body = JSON.stringify({ '@context': context });
    if (body.length > this.maxContextBytes) throw ngsiError('payloadTooLarge', `a hosted @context may hold at most ${this.maxContextBytes} bytes`);
    await validateContext(context);
    const localId = this.newLocalId();
    await this.db.query('INSERT INTO jsonld_context (local_id, tenant, kind, body) VALUES ($1, $2, $3, $4::json)', [localId, tenant, kind, body]);
    return { localId, url: this.urlOf(localId), location: API_PATH + localId };
  }

  private async find(id: string, tenant: string): Promise<Found | undefined> {
    if (id === CORE_LOCAL_ID || isCoreContextUrl(id)) return { kind: 'Cached', url: CORE_CONTEXT_URL, core: true };
    const localId = this.owns(id) ? this.localIdOf(id) : id.startsWith(LOCAL_ID_PREFIX) ? id : undefined;
    if (localId !== undefined) {
      const r = await this.db.query<Row>('SELECT local_id, kind, body, created_at FROM jsonld_context WHERE local_id = $1 AND tenant = $2', [localId, tenant]);
      const row = r.rows[0];
      if (row !== undefined) return { kind: row.kind, localId, row };
    }
    const cache = this.cache;
    if (cache === undefined) return undefined;
    const byUrl = cache.cachedContext(id);
    if (byUrl !== undefined) return { kind: 'Cached', url: byUrl.url, core: false };
    if (id.startsWith(LOCAL_ID_PREFIX)) {
      const match = cache.cachedContexts().find((c) => cachedLocalId(c.url) === id);
      if (match !== undefined) return { kind: 'Cached', url: match.url, core: false };
    }
    return undefined;
  }

  private hostedPrefix(): string {
    return this.baseUrl().replace(/\/+$/, '') + API_PATH;
  }

  private localIdOf(url: string): string | undefined {
    const prefix = this.hostedPrefix();
    if (!url.startsWith(prefix)) return undefined;
    const rest = url.slice(prefix.length);
    if (rest === '' || /[/?#]/.test(rest)) return undefined;
    try {
      return decodeURIComponent(rest);
    } catch {
      return undefined;
    }
  }

  private storedMetadata(row: Row): ContextMetadata {
    const m: ContextMetadata = { URL: this.urlOf(row.local_id), localId: row.local_id, kind: row.kind, createdAt: iso(row.created_at), numberOfHits: 0 };
    const u = this.usage.get(row.local_id);
    if (u !== undefined) {
      m.numberOfHits = u.hits;
      m.lastUsage = iso(u.lastUsage);
    }
    return m;
  }

  private cachedMetadata(url: string): ContextMetadata | undefined {
    const c = this.cache?.cachedContext(url);
    if (c === undefined) return undefined;
    const m: ContextMetadata = { URL: c.url, localId: cachedLocalId(c.url), kind: 'Cached', createdAt: iso(c.fetchedAt), expiresAt: iso(c.expiresAt), numberOfHits: c.numberOfHits };
    if (c.lastUsage !== undefined) m.lastUsage = iso(c.lastUsage);
    return m;
  }

  private coreMetadata(): ContextMetadata {
    const usage = this.cache?.coreUsage();
    const m: ContextMetadata = {
      URL: CORE_CONTEXT_URL,
      localId: CORE_LOCAL_ID,
      kind: 'Cached',
      createdAt: iso(usage?.since ?? this.createdAt),
      numberOfHits: usage?.numberOfHits ?? 0,
      extraInfo: { bundled: true },
    };
    if (usage?.lastUsage !== undefined) m.lastUsage = iso(usage.lastUsage);
    return m;
  }
}

/** Checks a @context to be stored is valid JSON-LD, without fetching what it references (clause 5.5.4). */
async function validateContext(context: unknown): Promise<void> {
  await compileContext(context, {
    load: async (url) => {
      assertFetchableUrl(url);
      return { '@context': {} };
    },
  });
}

/** A failed reload answers 504 LdContextNotAvailable (clause 6.30.3.2), unlike the 503 of a failed request. */
function reloadFailed(url: string, err: unknown): ProblemError {
  const base = ngsiError('ldContextNotAvailable', '');
  const reason = err instanceof ProblemError ? err.detail : String(err);
  return new ProblemError({
    status: 504,
    type: ngsiErrorType('ldContextNotAvailable'),
    title: base.title,
    code: base.code,
    detail: `reloading @context ${url} failed, the stored copy is kept: ${reason ?? 'unknown error'}`,
    cause: err,
  });
}
