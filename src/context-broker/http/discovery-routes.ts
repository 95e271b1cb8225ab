/** Routes for type and attribute discovery (clauses 5.7.5–5.7.10), plus each type's data class. */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { SqlEngine } from '../../core/index.js';
import { ngsiError } from '../errors.js';
import type { ContextResolver } from '../jsonld/index.js';
import type { EntityService } from '../service/entity-service.js';
import {
  attributeSummaries,
  attributeTypesOfType,
  dataClasses,
  DATA_CLASSES,
  setDataClass,
  typeSummaries,
  type DataClass,
} from '../store/discovery-store.js';
import { isObject } from '../model/validate.js';
import { boolParam, readParams } from './params.js';
import { announceContext, resolveScope, withContext } from './request-scope.js';

export interface DiscoveryRoutesDeps {
  engine: SqlEngine;
  service: EntityService;
  resolver: ContextResolver;
  clock?: () => string;
}

/** Builds the router for /types and /attributes. */
export function discoveryRouter(deps: DiscoveryRoutesDeps): Router {
  const r = Router();
  const { engine, service, resolver } = deps;
  const clock = deps.clock ?? (() => new Date().toISOString());

  // List entity types (EntityTypeList, or EntityType details).
  r.get('/types', async (req, res) => {
    const p = readParams(req, ['details', 'local']);
    const scope = await resolveScope(req, resolver);
    await service.requireTenant(scope.tenant);
    const types = await typeSummaries(engine, scope.tenant);
    announceContext(res, scope);
    if (boolParam(p['details'], 'details')) {
      res.send(JSON.stringify(types.map((t) => withContext({
        id: t.type,
        type: 'EntityType',
        typeName: scope.terms.compactIri(t.type),
        attributeNames: t.attributes.map((a) => scope.terms.compactIri(a)).sort(),
      }, scope))));
      return;
    }
    res.send(JSON.stringify(withContext({
      id: `urn:ngsi-ld:EntityTypeList:${randomUUID()}`,
      type: 'EntityTypeList',
      typeList: types.map((t) => scope.terms.compactIri(t.type)).sort(),
    }, scope)));
  });

  // Details of one entity type (EntityTypeInfo) with its data class.
  r.get('/types/:type', async (req, res) => {
    readParams(req, ['local']);
    const scope = await resolveScope(req, resolver);
    await service.requireTenant(scope.tenant);
    const iri = scope.terms.expandTerm(req.params['type'] as string);
    const [summary] = await typeSummaries(engine, scope.tenant, iri);
    if (!summary) throw ngsiError('resourceNotFound', `no entity of type ${req.params['type']} exists`);
    const kinds = await attributeTypesOfType(engine, scope.tenant, iri);
    const dataClass = (await dataClasses(engine, scope.tenant, [iri])).get(iri);
    announceContext(res, scope);
    res.send(JSON.stringify(withContext({
      id: iri,
      type: 'EntityTypeInfo',
      typeName: scope.terms.compactIri(iri),
      entityCount: summary.entityCount,
      attributeDetails: summary.attributes.map((a) => ({
        id: a,
        type: 'Attribute',
        attributeName: scope.terms.compactIri(a),
        attributeTypes: kinds.get(a) ?? [],
      })),
      dataClass,
    }, scope)));
  });

  // The data class of a type (tsunagu extension; open, limited or personal).
  r.get('/types/:type/dataClass', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver);
    const iri = scope.terms.expandTerm(req.params['type'] as string);
    const dataClass = (await dataClasses(engine, scope.tenant, [iri])).get(iri);
    res.json({ type: scope.terms.compactIri(iri), dataClass });
  });

  // Sets the data class of a type; every change is logged with its reason and who made it.
  r.put('/types/:type/dataClass', async (req, res) => {
    readParams(req, []);
    const scope = await resolveScope(req, resolver, { body: true });
    const body = req.body as unknown;
    if (!isObject(body)) throw ngsiError('badRequestData', 'the body must be {"dataClass": "open|limited|personal", "reason": "…"}');
    const to = body['dataClass'];
    if (typeof to !== 'string' || !DATA_CLASSES.includes(to as DataClass)) {
      throw ngsiError('badRequestData', `dataClass must be one of ${DATA_CLASSES.join(', ')}`);
    }
    const reason = body['reason'];
    if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 1000) {
      throw ngsiError('badRequestData', 'reason must say why the class changes (3 to 1000 characters)');
    }
    const iri = scope.terms.expandTerm(req.params['type'] as string);
    const who = res.locals.principal?.id ?? 'unknown';
    const previous = await engine.transaction(async (tx) => {
      await service.store.ensureTenant(tx, scope.tenant);
      return setDataClass(tx, scope.tenant, iri, to as DataClass, reason.trim(), who, clock());
    });
    res.json({ type: scope.terms.compactIri(iri), dataClass: to, previous });
  });

  // List attributes (AttributeList, or Attribute details).
  r.get('/attributes', async (req, res) => {
    const p = readParams(req, ['details', 'local']);
    const scope = await resolveScope(req, resolver);
    await service.requireTenant(scope.tenant);
    const attrs = await attributeSummaries(engine, scope.tenant);
    announceContext(res, scope);
    if (boolParam(p['details'], 'details')) {
      res.send(JSON.stringify(attrs.map((a) => withContext({
        id: a.attribute,
        type: 'Attribute',
        attributeName: scope.terms.compactIri(a.attribute),
        typeNames: a.typeNames.map((t) => scope.terms.compactIri(t)),
      }, scope))));
      return;
    }
    res.send(JSON.stringify(withContext({
      id: `urn:ngsi-ld:AttributeList:${randomUUID()}`,
      type: 'AttributeList',
      attributeList: attrs.map((a) => scope.terms.compactIri(a.attribute)).sort(),
    }, scope)));
  });

  // Details of one attribute.
  r.get('/attributes/:attrId', async (req, res) => {
    readParams(req, ['local']);
    const scope = await resolveScope(req, resolver);
    await service.requireTenant(scope.tenant);
    const iri = scope.terms.expandTerm(req.params['attrId'] as string);
    const [a] = await attributeSummaries(engine, scope.tenant, iri);
    if (!a) throw ngsiError('resourceNotFound', `no entity has an attribute ${req.params['attrId']}`);
    announceContext(res, scope);
    res.send(JSON.stringify(withContext({
      id: a.attribute,
      type: 'Attribute',
      attributeName: scope.terms.compactIri(a.attribute),
      attributeCount: a.count,
      attributeTypes: a.attributeTypes,
      typeNames: a.typeNames.map((t) => scope.terms.compactIri(t)),
    }, scope)));
  });

  return r;
}
