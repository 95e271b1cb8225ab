/**
 * HTTP binding of @context management (ETSI GS CIM 009 clauses 6.29 and 6.30): list, add, serve,
 * delete and reload. Mount at /ngsi-ld/v1/jsonldContexts; the logic lives in ContextRegistry.
 */
import { Router, type Request, type Response } from 'express';
import { ngsiError } from '../errors.js';
import { CONTEXT_KINDS, type ContextKind, type ContextRegistry } from './context-registry.js';
import type { ContextResolver } from './context-resolver.js';

export interface JsonldContextsRouterDeps {
  registry: ContextRegistry;
  /** The resolver whose Cached contexts the API lists and manages (if not already bound to the registry). */
  resolver?: ContextResolver;
  /** The tenant of a request; default: the NGSILD-Tenant header, '' when absent. */
  tenantOf?: (req: Request) => string;
}

/** Builds the router for /ngsi-ld/v1/jsonldContexts. */
export function jsonldContextsRouter(deps: JsonldContextsRouterDeps): Router {
  const { registry } = deps;
  if (deps.resolver !== undefined) registry.bindCache(deps.resolver);
  const tenantOf = deps.tenantOf ?? tenantHeader;
  const router = Router();

  router.get('/', async (req, res) => {
    const details = booleanParam(req, 'details');
    const kind = kindParam(req);
    sendJson(res, 200, await registry.list({ details, ...(kind === undefined ? {} : { kind }) }, tenantOf(req)));
  });

  router.post('/', async (req, res) => {
    const added = await registry.add(req.body as unknown, tenantOf(req));
    // Absolute, so a client can use it as an @context URL as it is (conformance test 053_04_01).
    res.status(201).location(added.url).end();
  });

  router.get('/:contextId', async (req, res) => {
    const id = req.params['contextId'] ?? '';
    if (booleanParam(req, 'details')) {
      sendJson(res, 200, await registry.describe(id, tenantOf(req)));
      return;
    }
    const body = await registry.serve(id, tenantOf(req));
    // application/json unless the client asks for JSON-LD (ETSI TP 053_01 checks application/json).
    const type = req.accepts(['application/json', 'application/ld+json']) === 'application/ld+json' ? 'application/ld+json' : 'application/json';
    sendJson(res, 200, body, type);
  });

  router.delete('/:contextId', async (req, res) => {
    await registry.delete(req.params['contextId'] ?? '', { reload: booleanParam(req, 'reload') }, tenantOf(req));
    res.status(204).end();
  });

  return router;
}

function tenantHeader(req: Request): string {
  const raw = req.headers['ngsild-tenant'];
  if (raw === undefined) return '';
  if (typeof raw !== 'string' || raw.length > 128) throw ngsiError('badRequestData', 'NGSILD-Tenant must be one name of at most 128 characters');
  return raw;
}

function booleanParam(req: Request, name: string): boolean {
  const raw = (req.query as Record<string, unknown>)[name];
  if (raw === undefined) return false;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw ngsiError('badRequestData', `${name} must be true or false`);
}

function kindParam(req: Request): ContextKind | undefined {
  const raw = (req.query as Record<string, unknown>)['kind'];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (CONTEXT_KINDS as readonly string[]).includes(raw)) return raw as ContextKind;
  throw ngsiError('badRequestData', `kind must be one of ${CONTEXT_KINDS.join(', ')}`);
}

/**
 * Sends JSON with exactly the given Content-Type (ETSI TP 053_01 compares it as a whole): express's
 * `res.set` and string bodies would append "; charset=utf-8", so set the raw header and send bytes.
 */
function sendJson(res: Response, status: number, body: unknown, type = 'application/json'): void {
  res.setHeader('Content-Type', type);
  res.status(status).send(Buffer.from(JSON.stringify(body)));
}
