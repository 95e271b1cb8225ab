/** Routes of /ngsi-ld/v1/entities (clauses 6.4–6.7): one entity and its attributes, and queries. */
import { Router, type Request, type Response } from 'express';
import { ngsiError } from '../errors.js';
import type { ContextResolver, TermMap } from '../jsonld/index.js';
import type { EntityMembers, EntityService } from '../service/entity-service.js';
import { parseAttribute, parseAttributes, parseEntity, parseScopes, parseTypes } from '../model/parse-entity.js';
import { isObject, isUri } from '../model/validate.js';
import { boolParam, formatOf, optionsParam, readParams } from './params.js';
import { parseEntityQuery, projectionOf, QUERY_PARAMS, type QueryLimits } from './entity-query-params.js';
import { resolveScope } from './request-scope.js';
import { sendEntities, sendEntity } from './render-response.js';
import { paginationLinks } from './pagination.js';

export interface EntityRoutesDeps {
  service: EntityService;
  resolver: ContextResolver;
  limits: QueryLimits;
}

/** An entity id as a path segment: escaped where it must be, but ':' kept (URNs stay readable). */
export function entityPath(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}

function entityIdOf(req: Request): string {
  const id = req.params['entityId'] as string;
  if (!isUri(id)) throw ngsiError('badRequestData', `entity id ${JSON.stringify(id)} in the URL is not a URI`);
  return id;
}

function attrNameOf(req: Request): string {
  const name = req.params['attrId'] as string;
  if (name === '' || /[\s<>"'=;()]/.test(name)) throw ngsiError('badRequestData', `attribute name ${JSON.stringify(name)} in the URL is not valid`);
  return name;
}

/** The type and scope members of an attribute fragment, which append and update also apply. */
function entityMembersOf(body: Record<string, unknown>, terms: TermMap): EntityMembers {
  const out: EntityMembers = {};
  if (body['type'] !== undefined) out.types = parseTypes(body['type'], terms);
  if (body['scope'] !== undefined) out.scopes = parseScopes(body['scope']);
  return out;
}

function requireObjectBody(req: Request, what: string): Record<string, unknown> {
  if (!isObject(req.body)) throw ngsiError('badRequestData', `the body must be a JSON object (${what})`);
  return req.body;
}

/** Answers 204, or 207 with the attributes that were not updated (clause 6.6.3.1). */
function sendUpdateResult(res: Response, r: { updated: string[]; notUpdated: Array<{ attributeName: string; reason: string }> }, compact: (iri: string) => string): void {
  if (r.notUpdated.length === 0) {
    res.status(204).end();
    return;
  }
  res.status(207).json({
    updated: r.updated.map(compact),
    notUpdated: r.notUpdated.map((n) => ({ attributeName: compact(n.attributeName), reason: n.reason })),
  });
}

/** Builds the router for entities and attributes. */
export function entitiesRouter(deps: EntityRoutesDeps): Router {
  const r = Router();
  const { service, resolver } = deps;

  // Create an entity.
  r.post('/entities', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver, { body: true });
    const parsed = parseEntity(req.body, scope.terms);
    await service.create(scope.tenant, parsed);
    res.status(201).location(`/ngsi-ld/v1/entities/${entityPath(parsed.id)}`).end();
  });

  // Query entities.
  r.get('/entities', async (req, res) => {
    const p = readParams(req, QUERY_PARAMS);
    const scope = await resolveScope(req, resolver, { allowGeo: true });
    const parsed = parseEntityQuery(p, scope.terms, deps.limits);
    const page = await service.query(scope.tenant, parsed.query);
    if (page.count !== undefined) res.setHeader('NGSILD-Results-Count', String(page.count));
    const links = paginationLinks(req, parsed.query, page);
    if (links) res.append('Link', links);
    sendEntities(res, scope, page.entities, parsed.render, parsed.geometryProperty);
  });

  // Retrieve an entity.
  r.get('/entities/:entityId', async (req, res) => {
    const p = readParams(req, ['attrs', 'pick', 'omit', 'options', 'format', 'lang', 'geometryProperty', 'type', 'local']);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver, { allowGeo: true });
    const opts = optionsParam(p['options'], ['keyValues', 'simplified', 'concise', 'normalized', 'sysAttrs']);
    // Every parameter is checked before the entity is looked up: a bad request is 400 even for a missing entity.
    const render = { format: formatOf(opts, p['format']), sysAttrs: opts.has('sysAttrs'), ...projectionOf(p, scope.terms), ...(p['lang'] ? { lang: p['lang'] } : {}) };
    const e = await service.retrieve(scope.tenant, id);
    if (p['type'] !== undefined) {
      const wanted = p['type'].split(/[,|]/).map((t) => scope.terms.expandTerm(t.trim()));
      if (!wanted.some((t) => e.types.includes(t))) throw ngsiError('resourceNotFound', `entity ${id} is not of type ${p['type']}`);
    }
    // Asked only for attributes it does not have: nothing to show (clause 5.7.1).
    if (render.keepAttrs && render.keepAttrs.size > 0 && ![...render.keepAttrs].some((a) => a in e.attrs) && render.keepId !== true && render.keepType !== true) {
      throw ngsiError('resourceNotFound', `entity ${id} has none of the requested attributes`);
    }
    sendEntity(res, scope, e, render, p['geometryProperty']);
  });

  // Replace an entity (clause 5.6.18).
  r.put('/entities/:entityId', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    await service.replace(scope.tenant, parseEntity(req.body, scope.terms, id));
    res.status(204).end();
  });

  // Merge-patch an entity (clause 5.6.17).
  r.patch('/entities/:entityId', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = requireObjectBody(req, 'an entity fragment');
    if (body['id'] !== undefined && body['id'] !== id) throw ngsiError('badRequestData', 'id in the body does not match the URL');
    const changes = parseAttributes(body, scope.terms, { nulls: true, keepType: true });
    const scopes = body['scope'] === undefined ? undefined : body['scope'] === null || body['scope'] === 'urn:ngsi-ld:null' ? null : parseScopes(body['scope']);
    await service.merge(scope.tenant, id, changes, scopes);
    res.status(204).end();
  });

  // Delete an entity.
  r.delete('/entities/:entityId', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver);
    await service.delete(scope.tenant, id);
    res.status(204).end();
  });

  // Append attributes (clause 5.6.3).
  r.post('/entities/:entityId/attrs', async (req, res) => {
    const p = readParams(req, ['options']);
    const opts = optionsParam(p['options'], ['noOverwrite']);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = requireObjectBody(req, 'an entity fragment');
    const changes = parseAttributes(body, scope.terms);
    const extra = entityMembersOf(body, scope.terms);
    if (Object.keys(changes).length === 0 && !extra.types && !extra.scopes) throw ngsiError('badRequestData', 'the body has no attributes to append');
    const result = await service.append(scope.tenant, id, changes, opts.has('noOverwrite'), extra);
    sendUpdateResult(res, result, (iri) => scope.terms.compactIri(iri));
  });

  // Update existing attributes (clause 5.6.2).
  r.patch('/entities/:entityId/attrs', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = requireObjectBody(req, 'an entity fragment');
    const changes = parseAttributes(body, scope.terms, { nulls: true, keepType: false });
    const extra = entityMembersOf(body, scope.terms);
    if (Object.keys(changes).length === 0 && !extra.types && !extra.scopes) throw ngsiError('badRequestData', 'the body has no attributes to update');
    const result = await service.update(scope.tenant, id, changes, extra);
    sendUpdateResult(res, result, (iri) => scope.terms.compactIri(iri));
  });

  // Partial update of one attribute (clause 5.6.4).
  r.patch('/entities/:entityId/attrs/:attrId', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const name = attrNameOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = requireObjectBody(req, 'an attribute fragment');
    const { '@context': _ctx, ...fragment } = body;
    await service.patchAttribute(scope.tenant, id, scope.terms.expandTerm(name), parseAttribute(fragment, scope.terms, name, { nulls: true, keepType: true }), name);
    res.status(204).end();
  });

  // Replace one attribute (clause 5.6.19).
  r.put('/entities/:entityId/attrs/:attrId', async (req, res) => {
    readParams(req, []);
    const id = entityIdOf(req);
    const name = attrNameOf(req);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = req.body as unknown;
    if (body === undefined) throw ngsiError('badRequestData', 'the body must hold the attribute');
    if (name === 'scope' || name === 'type' || name === 'id') throw ngsiError('badRequestData', `${name} is not an attribute that can be replaced this way`);
    const fragment = isObject(body) ? (({ '@context': _c, ...rest }) => rest)(body) : body;
    await service.replaceAttribute(scope.tenant, id, scope.terms.expandTerm(name), parseAttribute(fragment, scope.terms, name), name);
    res.status(204).end();
  });

  // Delete one attribute (clause 5.6.5).
  r.delete('/entities/:entityId/attrs/:attrId', async (req, res) => {
    const p = readParams(req, ['datasetId', 'deleteAll']);
    const id = entityIdOf(req);
    const name = attrNameOf(req);
    const scope = await resolveScope(req, resolver);
    if (p['datasetId'] !== undefined && !isUri(p['datasetId'])) throw ngsiError('badRequestData', 'datasetId must be a URI');
    const deleteAll = boolParam(p['deleteAll'], 'deleteAll') ?? false;
    await service.deleteAttribute(scope.tenant, id, scope.terms.expandTerm(name), name, p['datasetId'], deleteAll);
    res.status(204).end();
  });

  return r;
}
