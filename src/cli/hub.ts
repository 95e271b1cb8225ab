/** Starts the hub: storage, migrations, the chosen components and one HTTP server for all APIs. */
import {
  createHttpApp,
  createLogger,
  listen,
  migrate,
  openEngine,
  publicBaseUrl,
  trustLocalCallers,
  type HubConfig,
  type Logger,
  type MountedRouter,
  type SqlEngine,
} from '../core/index.js';
import { contextBrokerMigrations, createContextBroker, type ContextBroker } from '../context-broker/index.js';
import { openApiRouter } from './openapi-routes.js';

export const COMPONENTS = ['broker', 'iot-agent', 'bridge', 'consent', 'catalog', 'central'] as const;
export type ComponentName = (typeof COMPONENTS)[number];
/** Components this version can run; the others arrive with their issues. */
export const AVAILABLE_COMPONENTS: readonly ComponentName[] = ['broker'];

export interface Hub {
  config: HubConfig;
  engine: SqlEngine;
  logger: Logger;
  port: number;
  url: string;
  broker?: ContextBroker;
  /** Stops accepting requests, lets in-flight ones finish, closes storage. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: HubConfig;
  components?: readonly string[];
  logger?: Logger;
  /** An engine opened by the caller (tests share one); the hub then does not close it. */
  engine?: SqlEngine;
}

/** Checks component names and returns the ones to run. */
export function chooseComponents(names: readonly string[] | undefined): ComponentName[] {
  if (!names || names.length === 0) return [...AVAILABLE_COMPONENTS];
  const out: ComponentName[] = [];
  for (const n of names) {
    if (!(COMPONENTS as readonly string[]).includes(n)) {
      throw new Error(`unknown component "${n}"; components are ${COMPONENTS.join(', ')}`);
    }
    if (!AVAILABLE_COMPONENTS.includes(n as ComponentName)) {
      throw new Error(`component "${n}" is not available in this version; available: ${AVAILABLE_COMPONENTS.join(', ')}`);
    }
    if (!out.includes(n as ComponentName)) out.push(n as ComponentName);
  }
  return out;
}

/** Every module's migrations, applied at start. */
export function allMigrations() {
  return [...contextBrokerMigrations];
}

/** Starts the hub and resolves once it listens. */
export async function startHub(options: StartOptions): Promise<Hub> {
  const { config } = options;
  const components = chooseComponents(options.components);
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownEngine = options.engine === undefined;
  const engine = options.engine ?? (await openEngine({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize }));
  try {
    const applied = await migrate(engine, allMigrations());
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => `${m.module}:${m.version}`) }, 'storage migrated');
    let boundPort = config.port;
    const baseUrl = () => publicBaseUrl(config, boundPort);
    const routers: MountedRouter[] = [];
    let broker: ContextBroker | undefined;
    if (components.includes('broker')) {
      broker = await createContextBroker({ engine, config, logger: logger.child({ component: 'broker' }), baseUrl });
      routers.push(broker.mount);
    }
    routers.push({ path: '/openapi', router: openApiRouter(), public: true });
    const app = createHttpApp({ logger, authenticate: trustLocalCallers, routers, ready: () => engine.ping() });
    const server = await listen(app, config.host, config.port);
    boundPort = server.port;
    const url = baseUrl();
    logger.info({ url, components, storage: engine.kind }, 'tsunagu hub started');
    let stopping: Promise<void> | undefined;
    return {
      config,
      engine,
      logger,
      port: server.port,
      url,
      ...(broker ? { broker } : {}),
      stop: () =>
        (stopping ??= (async () => {
          await server.close(config.shutdownTimeoutMs);
          if (ownEngine) await engine.close();
          logger.info('tsunagu hub stopped');
        })()),
    };
  } catch (err) {
    if (ownEngine) await engine.close().catch(() => undefined);
    throw err;
  }
}
