/**
 * The HTTP app factory: request ids, one log line per request, authentication, the modules'
 * routers, health and readiness, and one error handler that renders RFC 9457 problems.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';
import { ProblemError, isProblemError } from '../errors.js';
import type { Authenticator, Principal } from './authenticate.js';

export interface MountedRouter {
  /** Path prefix, e.g. `/ngsi-ld/v1`. */
  path: string;
  router: Router;
  /** Renders errors under this prefix (default: RFC 9457 application/problem+json). */
  problemContentType?: string;
  /** Wraps errors that are not ProblemErrors into this API's problem (default: 500 internal). */
  internalError?: (detail: string) => ProblemError;
  /** Answers for unknown paths under this prefix. */
  notFound?: (detail: string) => ProblemError;
  /** Paths under this prefix that need no authentication (open data, catalog). */
  public?: boolean;
}

export interface HttpAppOptions {
  logger: Logger;
  authenticate: Authenticator;
  routers: readonly MountedRouter[];
  /** Answers /ready: resolves when storage and components can serve. */
  ready: () => Promise<void>;
}

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
    requestId?: string;
  }
}

const genericInternal = (detail: string) =>
  new ProblemError({ status: 500, type: 'about:blank', title: 'Internal Server Error', code: 'core.internal', detail });
const genericNotFound = (detail: string) =>
  new ProblemError({ status: 404, type: 'about:blank', title: 'Not Found', code: 'core.notFound', detail });

/** Builds the express app every component's API is mounted on. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Path only: query strings and bodies can carry personal data.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      quietReqLogger: true,
    }),
  );

  // JSON media types take no charset parameter (RFC 8259 §11); express adds one, clients may compare exactly.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      const type = this.getHeader('content-type');
      if (typeof type === 'string' && /^application\/([\w.+-]+\+)?json; charset=utf-8$/i.test(type)) {
        this.setHeader('content-type', type.slice(0, type.indexOf(';')));
      }
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', detail: (err as Error).message });
    }
  });

  const publicPrefixes = options.routers.filter((r) => r.public).map((r) => r.path);
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    if (publicPrefixes.some((p) => req.path === p || req.path.startsWith(p + '/'))) return next();
    const who = await options.authenticate(req);
    if (isProblemError(who)) return next(who);
    res.locals.principal = who;
    next();
  });

  for (const mounted of options.routers) {
    app.use(mounted.path, mounted.router);
    const notFound = mounted.notFound ?? genericNotFound;
    app.use(mounted.path, (req: Request, _res: Response, next: NextFunction) => {
      next(notFound(`no resource at ${req.method} ${mounted.path}${req.path}`));
    });
  }
  app.use((req: Request, _res: Response, next: NextFunction) => next(genericNotFound(`no resource at ${req.method} ${req.path}`)));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mounted = options.routers.find((r) => req.originalUrl === r.path || req.originalUrl.startsWith(r.path + '/') || req.originalUrl.startsWith(r.path + '?'));
    let problem: ProblemError;
    if (isProblemError(err)) {
      problem = err;
    } else {
      (res as Response & { err?: unknown }).err = err as Error;
      options.logger.error({ err, path: req.path }, 'unhandled error');
      problem = (mounted?.internalError ?? genericInternal)('an unexpected error occurred; see the hub log');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(problem.status).type(mounted?.problemContentType ?? 'application/problem+json').send(JSON.stringify(problem.toJSON()));
  });
  return app;
}
