// Public entry of the context broker: the NGSI-LD API, its store and its JSON-LD door.
export { createContextBroker, contextBrokerMigrations } from './broker.js';
export type { ContextBroker, ContextBrokerDeps } from './broker.js';
export { ngsiError, ngsiErrorType } from './errors.js';
export type { NgsiErrorKind } from './errors.js';
export type { StoredEntity, Instance, AttributeType } from './model/entity.js';
export type { EntityEvents } from './service/entity-service.js';
export type { DataClass } from './store/discovery-store.js';
