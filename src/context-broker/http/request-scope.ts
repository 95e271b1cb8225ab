/**
 * Works out, for each NGSI-LD request, the tenant, the @context that applies (Link header or
 * body, clause 6.3.5) and the representation the client accepts (clause 6.3.6).
 */
import type { Request, Response } from 'express';
import { ngsiError } from '../errors.js';
import type { TermMap, ContextResolver } from '../jsonld/index.js';
import { parseContextLink, CORE_CONTEXT_URL } from '../jsonld/index.js';

export type MediaKind = 'json' | 'ld' | 'geo';

export interface RequestScope {
  tenant: string;
  terms: TermMap;
  /** The context to announce in a response: the request's own, else the core context. */
  responseContext: string | unknown[] | Record<string, unknown>;
  accept: MediaKind;
}

const TENANT_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The tenant a request addresses ('' is the default tenant). */
export function tenantOf(req: Request): string {
  const raw = req.headers['ngsild-tenant'];
  if (raw === undefined) return '';
  if (typeof raw !== 'string' || !TENANT_RE.test(raw)) {
    throw ngsiError('badRequestData', 'NGSILD-Tenant must be 1-128 characters from A-Z a-z 0-9 _ . : -');
  }
  return raw;
}

const MEDIA: Record<string, MediaKind> = {
  'application/json': 'json',
  'application/ld+json': 'ld',
  'application/geo+json': 'geo',
};

/** Picks the response media type from the Accept header; 406 when none is acceptable. */
export function acceptOf(req: Request, allowGeo: boolean): MediaKind {
  const header = req.headers.accept;
  if (header === undefined || header.trim() === '') return 'json';
  let best: { kind: MediaKind; q: number } | undefined;
  for (const part of header.split(',')) {
    const [typeRaw, ...paramParts] = part.split(';');
    const type = typeRaw!.trim().toLowerCase();
    let q = 1;
    for (const p of paramParts) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k === 'q' && v !== undefined) q = Number(v);
    }
    if (!(q > 0)) continue;
    let kind: MediaKind | undefined = MEDIA[type];
    if (type === '*/*' || type === 'application/*') kind = 'json';
    if (kind === 'geo' && !allowGeo) kind = undefined;
    if (kind && (!best || q > best.q)) best = { kind, q };
  }
  if (!best) {
    throw ngsiError('notAcceptable', `cannot answer with ${header}; use application/json, application/ld+json${allowGeo ? ' or application/geo+json' : ''}`);
  }
  return best.kind;
}

/** Resolves tenant, @context and accepted media type for a request. */
export async function resolveScope(req: Request, resolver: ContextResolver, opts: { allowGeo?: boolean; body?: boolean } = {}): Promise<RequestScope> {
  const tenant = tenantOf(req);
  const accept = acceptOf(req, opts.allowGeo ?? false);
  const link = parseContextLink(req.headers.link);
  if (!link.ok) throw ngsiError('badRequestData', link.error);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = req.body as unknown;
  let contextRef: unknown = link.value;
  if (opts.body && body !== undefined) {
    const bodies = Array.isArray(body) ? body : [body];
    const inline = bodies.map((b) => (typeof b === 'object' && b !== null ? (b as Record<string, unknown>)['@context'] : undefined));
    if (contentType === 'application/ld+json') {
      if (link.value !== undefined) throw ngsiError('badRequestData', 'with Content-Type application/ld+json the @context goes in the body, not in a Link header');
      if (inline.some((c) => c === undefined)) throw ngsiError('badRequestData', 'a body of type application/ld+json must carry an @context');
      // Batches: every entity carries its own @context; they must agree for one term map.
      const first = JSON.stringify(inline[0]);
      if (inline.some((c) => JSON.stringify(c) !== first)) {
        throw ngsiError('badRequestData', 'all entities of a batch must use the same @context');
      }
      contextRef = inline[0];
    } else if (inline.some((c) => c !== undefined)) {
      throw ngsiError('badRequestData', 'a body of type application/json must not carry an @context; use a Link header or application/ld+json');
    }
  }
  const terms = await resolver.resolve(contextRef);
  return {
    tenant,
    terms,
    responseContext: (contextRef as RequestScope['responseContext']) ?? CORE_CONTEXT_URL,
    accept,
  };
}

/** Sets Content-Type and the context Link header (or nothing for ld+json, which embeds it). */
export function announceContext(res: Response, scope: RequestScope): void {
  if (scope.accept === 'ld') {
    res.type('application/ld+json');
    return;
  }
  res.type(scope.accept === 'geo' ? 'application/geo+json' : 'application/json');
  const url = typeof scope.responseContext === 'string' ? scope.responseContext : CORE_CONTEXT_URL;
  res.append('Link', `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`);
}

/** Adds the @context member to a body when the client asked for application/ld+json. */
export function withContext<T extends Record<string, unknown>>(body: T, scope: RequestScope): T {
  if (scope.accept !== 'ld') return body;
  return { ...body, '@context': scope.responseContext };
}
