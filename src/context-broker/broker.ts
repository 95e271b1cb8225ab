/** Assembles the context broker: store, service, JSON-LD door and the NGSI-LD HTTP API. */
import { Router } from 'express';
import { jsonBody, type HubConfig, type Logger, type MountedRouter, type Migration, type SqlEngine } from '../core/index.js';
import { ngsiError } from './errors.js';
import { ContextResolver, ContextRegistry, createRemoteLoader, jsonldContextsRouter, jsonldMigrations } from './jsonld/index.js';
import { EntityService, type EntityEvents } from './service/entity-service.js';
import { entityStoreMigrations } from './store/migrations.js';
import { entitiesRouter } from './http/entities-routes.js';
import { batchRouter } from './http/batch-routes.js';
import { discoveryRouter } from './http/discovery-routes.js';
import { sqlErrorsToProblems } from './http/sql-errors.js';
import { methodGuardRouter } from './http/method-guard.js';
import { tenantOf } from './http/request-scope.js';

export interface ContextBrokerDeps {
  engine: SqlEngine;
  config: HubConfig;
  logger: Logger;
  /** Base URL of this hub, for hosted @context URLs and Location headers. */
  baseUrl: () => string;
  events?: EntityEvents;
}

export interface ContextBroker {
  service: EntityService;
  resolver: ContextResolver;
  /** Mount at /ngsi-ld/v1. */
  mount: MountedRouter;
}

/** The broker's migrations, for the hub's migration run. */
export const contextBrokerMigrations: Migration[] = [...entityStoreMigrations, ...jsonldMigrations];

/** Builds the context broker on an opened, migrated engine. */
export async function createContextBroker(deps: ContextBrokerDeps): Promise<ContextBroker> {
  const { engine, config } = deps;
  const registry = new ContextRegistry({ db: engine, baseUrl: deps.baseUrl });
  await registry.load();
  const loader = createRemoteLoader({ timeoutMs: config.contextFetchTimeoutMs, allowPrivateHosts: config.contextAllowPrivateHosts });
  const resolver = new ContextResolver({ loader, registry, logger: deps.logger.child({ component: 'jsonld' }) });
  const service = new EntityService(engine, undefined, deps.events);
  // The embedded engine has no autovacuum: give the planner statistics for what is already stored.
  if (engine.kind === 'pglite') void engine.query('ANALYZE entity').catch(() => undefined);
  const limits = { defaultLimit: config.defaultQueryLimit, maxLimit: config.maxQueryLimit };

  const router = Router();
  router.use((req, res, next) => {
    // Echo the tenant (clause 6.3.14), and keep merge-patch bodies to the merge operations.
    const tenant = req.headers['ngsild-tenant'];
    if (typeof tenant === 'string' && tenant.length <= 128) res.setHeader('NGSILD-Tenant', tenant);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/merge-patch+json' && req.method !== 'PATCH') {
      req.resume();
      next(ngsiError('unsupportedMediaType', 'application/merge-patch+json is only accepted by PATCH operations'));
      return;
    }
    next();
  });
  router.use(
    jsonBody({
      limitBytes: config.maxBodyBytes,
      maxDepth: config.maxJsonDepth,
      mediaTypes: ['application/json', 'application/ld+json', 'application/merge-patch+json'],
      onError: (failure, detail) => {
        switch (failure) {
          case 'too-large':
            return ngsiError('payloadTooLarge', detail);
          case 'media-type':
            return ngsiError('unsupportedMediaType', detail);
          case 'malformed':
            return ngsiError('invalidRequest', detail);
          case 'too-deep':
            return ngsiError('badRequestData', detail);
        }
      },
    }),
  );
  router.use(entitiesRouter({ service, resolver, limits }));
  router.use(batchRouter({ service, resolver, limits, maxBatchSize: config.maxBatchSize }));
  router.use(discoveryRouter({ engine, service, resolver }));
  router.use('/jsonldContexts', jsonldContextsRouter({ registry, resolver, tenantOf }));
  router.use(methodGuardRouter());
  router.use(sqlErrorsToProblems);

  return {
    service,
    resolver,
    mount: {
      path: '/ngsi-ld/v1',
      router,
      problemContentType: 'application/json',
      internalError: (detail) => ngsiError('internalError', detail),
      notFound: (detail) => ngsiError('resourceNotFound', detail),
    },
  };
}
