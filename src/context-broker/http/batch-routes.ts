/** Routes of /ngsi-ld/v1/entityOperations (clause 6.14–6.31): batch create/upsert/update/delete/merge and query. */
import { Router, type Response } from 'express';
import type { ProblemError } from '../../core/index.js';
import { ngsiError } from '../errors.js';
import type { ContextResolver } from '../jsonld/index.js';
import { parseEntity, type ParsedEntity, parseAttributes, parseTypes, parseScopes } from '../model/parse-entity.js';
import { isObject, isUri } from '../model/validate.js';
import { parseGeoQueryObject } from '../geo/index.js';
import { batchResultBody, type BatchItem, type BatchOutcome, type EntityService } from '../service/entity-service.js';
import type { TermMap } from '../jsonld/index.js';
import { optionsParam, readParams } from './params.js';
import { parseEntityQuery, type QueryLimits } from './entity-query-params.js';
import { parseTypeSelector } from '../query/parse-type.js';
import type { EntitySelectorFilter } from '../store/entity-filter.js';
import { resolveScope } from './request-scope.js';
import { sendEntities } from './render-response.js';

export interface BatchRoutesDeps {
  service: EntityService;
  resolver: ContextResolver;
  limits: QueryLimits;
  maxBatchSize: number;
}

function batchArray(body: unknown, max: number): unknown[] {
  if (!Array.isArray(body)) throw ngsiError('badRequestData', 'the body must be a JSON array');
  if (body.length === 0) throw ngsiError('badRequestData', 'the batch is empty');
  if (body.length > max) throw ngsiError('badRequestData', `the batch has ${body.length} items; at most ${max} are allowed`);
  return body;
}

const idOf = (raw: unknown): string => (isObject(raw) && typeof raw['id'] === 'string' ? raw['id'] : '');

/** Parses each batch entry on its own, so one bad entity fails alone (clause 5.6.7). */
function parseItems(list: unknown[], terms: TermMap, partial: false | 'update' | 'merge'): BatchItem<ParsedEntity>[] {
  return list.map((raw) => {
    try {
      if (!partial) {
        const parsed = parseEntity(raw, terms);
        return { id: parsed.id, value: parsed };
      }
      // update/merge entries: id required, type optional.
      if (!isObject(raw)) throw ngsiError('badRequestData', 'each entry must be a JSON object');
      const id = raw['id'];
      if (!isUri(id)) throw ngsiError('badRequestData', 'id is missing or not a URI');
      const parsed: ParsedEntity = {
        id,
        types: raw['type'] === undefined ? [] : parseTypes(raw['type'], terms),
        attrs: {},
      };
      if (raw['scope'] !== undefined) parsed.scopes = parseScopes(raw['scope']);
      const changes = parseAttributes(raw, terms, { nulls: true, keepType: partial === 'merge' });
      for (const [iri, v] of Object.entries(changes)) (parsed.attrs as Record<string, unknown>)[iri] = v;
      return { id, value: parsed };
    } catch (err) {
      return { id: idOf(raw), error: err as ProblemError };
    }
  });
}

/** 204 when everything worked, else 207 with the BatchOperationResult. */
function sendOutcome(res: Response, outcome: BatchOutcome): void {
  if (outcome.errors.length === 0) res.status(204).end();
  else res.status(207).json(batchResultBody(outcome));
}

/** Builds the router for batch operations. */
export function batchRouter(deps: BatchRoutesDeps): Router {
  const r = Router();
  const { service, resolver, maxBatchSize } = deps;

  // Batch create: 201 with the ids when all were created, else 207.
  r.post('/entityOperations/create', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver, { body: true });
    const items = parseItems(batchArray(req.body, maxBatchSize), scope.terms, false);
    const outcome = await service.batchCreate(scope.tenant, items);
    if (outcome.errors.length === 0) res.status(201).json(outcome.success);
    else res.status(207).json(batchResultBody(outcome));
  });

  // Batch upsert: replace (default) or update existing; 201 with created ids, 204, or 207.
  r.post('/entityOperations/upsert', async (req, res) => {
    const p = readParams(req, ['options']);
    const opts = optionsParam(p['options'], ['replace', 'update']);
    if (opts.has('replace') && opts.has('update')) throw ngsiError('badRequestData', 'options replace and update contradict each other');
    const scope = await resolveScope(req, resolver, { body: true });
    const items = parseItems(batchArray(req.body, maxBatchSize), scope.terms, false);
    const outcome = await service.batchWrite(scope.tenant, items, opts.has('update') ? 'upsert-update' : 'upsert-replace');
    if (outcome.errors.length > 0) res.status(207).json(batchResultBody(outcome));
    else if (outcome.created.length > 0) res.status(201).json(outcome.created);
    else res.status(204).end();
  });

  // Batch update of existing entities' attributes (options=noOverwrite keeps existing ones).
  r.post('/entityOperations/update', async (req, res) => {
    const p = readParams(req, ['options']);
    const opts = optionsParam(p['options'], ['noOverwrite']);
    const scope = await resolveScope(req, resolver, { body: true });
    const items = parseItems(batchArray(req.body, maxBatchSize), scope.terms, 'update');
    sendOutcome(res, await service.batchWrite(scope.tenant, items, opts.has('noOverwrite') ? 'update-noOverwrite' : 'update'));
  });

  // Batch merge-patch.
  r.post('/entityOperations/merge', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver, { body: true });
    const items = parseItems(batchArray(req.body, maxBatchSize), scope.terms, 'merge');
    sendOutcome(res, await service.batchWrite(scope.tenant, items, 'merge'));
  });

  // Batch delete by id.
  r.post('/entityOperations/delete', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver);
    const items: BatchItem<string>[] = batchArray(req.body, maxBatchSize).map((raw) =>
      isUri(raw) ? { id: raw, value: raw } : { id: typeof raw === 'string' ? raw : '', error: ngsiError('badRequestData', `${JSON.stringify(raw)} is not an entity id (URI)`) },
    );
    sendOutcome(res, await service.batchDelete(scope.tenant, items));
  });

  // Query by POST with a Query body (clause 5.7.2 / 6.23).
  r.post('/entityOperations/query', async (req, res) => {
    const p = readParams(req, ['limit', 'offset', 'count', 'options', 'format', 'local', 'geometryProperty']);
    const scope = await resolveScope(req, resolver, { body: true, allowGeo: true });
    const body = req.body as unknown;
    if (!isObject(body)) throw ngsiError('badRequestData', 'the body must be a Query object');
    if (body['type'] !== 'Query') throw ngsiError('badRequestData', 'the body must have "type": "Query"');
    const params: Record<string, string | undefined> = { ...p };
    const known = new Set(['type', 'entities', 'attrs', 'q', 'geoQ', 'scopeQ', 'lang', '@context']);
    for (const key of Object.keys(body)) {
      if (!known.has(key)) throw ngsiError(['csf', 'temporalQ', 'datasetId', 'join', 'joinLevel'].includes(key) ? 'notImplemented' : 'badRequestData', `Query member "${key}" is not supported`);
    }
    let selectors: EntitySelectorFilter[] | undefined;
    const entities = body['entities'];
    if (entities !== undefined) {
      if (!Array.isArray(entities) || entities.length === 0) throw ngsiError('badRequestData', 'entities must be a non-empty array of entity selectors');
      selectors = entities.map((sel, i) => {
        if (!isObject(sel) || typeof sel['type'] !== 'string') throw ngsiError('badRequestData', `entities[${i}] needs a type`);
        const t = parseTypeSelector(sel['type']);
        if (!t.ok) throw ngsiError('badRequestData', `entities[${i}].${t.error}`);
        const out: EntitySelectorFilter = { types: t.value.map((all) => all.map((name) => scope.terms.expandTerm(name))) };
        if (sel['id'] !== undefined) {
          if (!isUri(sel['id'])) throw ngsiError('badRequestData', `entities[${i}].id is not a URI`);
          out.id = sel['id'];
        }
        if (sel['idPattern'] !== undefined) {
          if (typeof sel['idPattern'] !== 'string') throw ngsiError('badRequestData', `entities[${i}].idPattern must be a string`);
          try {
            new RegExp(sel['idPattern']);
          } catch {
            throw ngsiError('badRequestData', `entities[${i}].idPattern is not a valid regular expression`);
          }
          out.idPattern = sel['idPattern'];
        }
        return out;
      });
    }
    if (body['attrs'] !== undefined) {
      if (!Array.isArray(body['attrs']) || !body['attrs'].every((a) => typeof a === 'string')) throw ngsiError('badRequestData', 'attrs must be an array of attribute names');
      params['attrs'] = (body['attrs'] as string[]).join(',');
    }
    for (const key of ['q', 'scopeQ', 'lang'] as const) {
      if (body[key] !== undefined) {
        if (typeof body[key] !== 'string') throw ngsiError('badRequestData', `${key} must be a string`);
        params[key] = body[key] as string;
      }
    }
    let geo;
    if (body['geoQ'] !== undefined) {
      const g = parseGeoQueryObject(body['geoQ']);
      if (!g.ok) throw ngsiError('badRequestData', g.error);
      geo = g.value;
    }
    const parsed = parseEntityQuery(params, scope.terms, deps.limits, geo, selectors);
    const page = await service.query(scope.tenant, parsed.query);
    if (page.count !== undefined) res.setHeader('NGSILD-Results-Count', String(page.count));
    sendEntities(res, scope, page.entities, parsed.render, parsed.geometryProperty);
  });

  return r;
}
