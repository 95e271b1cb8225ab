// Public entry of the JSON-LD door: compiled term maps, the @context resolver and @context management.
export { TermMap, isAbsoluteIri, isKeyword } from './term-map.js';
export type { TermDefinition, TermMapInit } from './term-map.js';
export { CORE_CONTEXT_URL, compileContext, coreContextDocument, coreTermMap, isCoreContextUrl } from './compile.js';
export type { CompileOptions, ContextLoader } from './compile.js';
export { createRemoteLoader } from './remote-loader.js';
export type { DocumentLoader, RemoteDocument, RemoteLoaderOptions } from './remote-loader.js';
export { ContextResolver, JSONLD_CONTEXT_REL, parseContextLink } from './context-resolver.js';
export type {
  CachedContextInfo,
  CachedContexts,
  ContextResolverOptions,
  ContextResolverStats,
  LocalContextSource,
  Result,
} from './context-resolver.js';
export { CONTEXT_KINDS, ContextRegistry, jsonldMigrations } from './context-registry.js';
export type { AddedContext, ContextKind, ContextMetadata, ContextRegistryDeps } from './context-registry.js';
export { jsonldContextsRouter } from './jsonld-contexts-routes.js';
export type { JsonldContextsRouterDeps } from './jsonld-contexts-routes.js';
