/**
 * Answers requests that reach a known resource with a method it does not have (405 with Allow,
 * RFC 9110 §15.5.6), and requests whose entity id or attribute name is empty (400, clause 6.5.3).
 */
import { Router } from 'express';
import { ngsiError } from '../errors.js';

const RESOURCES: Array<[string, string[]]> = [
  ['/entities', ['GET', 'POST']],
  ['/entities/:entityId', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/entities/:entityId/attrs', ['POST', 'PATCH']],
  ['/entities/:entityId/attrs/:attrId', ['PUT', 'PATCH', 'DELETE']],
  ['/entityOperations/:operation', ['POST']],
  ['/types', ['GET']],
  ['/types/:type', ['GET']],
  ['/types/:type/dataClass', ['GET', 'PUT']],
  ['/attributes', ['GET']],
  ['/attributes/:attrId', ['GET']],
];

/** Builds the router that runs after every real route of the broker. */
export function methodGuardRouter(): Router {
  const r = Router();
  // Empty ids: `/entities//attrs`, `/entities/` with a method that needs an id, `…/attrs/` likewise.
  r.all(/^\/entities\/(\/.*)?$/, (req, _res, next) => {
    if (req.path === '/entities/' && (req.method === 'GET' || req.method === 'POST')) return next();
    next(ngsiError('badRequestData', 'the entity id in the URL is missing'));
  });
  r.all(/^\/entities\/[^/]+\/attrs\/$/, (req, res, next) => {
    if (req.method === 'DELETE' || req.method === 'PUT' || req.method === 'PATCH') {
      res.setHeader('Allow', 'POST, PATCH');
      return next(ngsiError('methodNotAllowed', `${req.method} needs an attribute name after /attrs/`));
    }
    next();
  });
  for (const [path, methods] of RESOURCES) {
    r.all(path, (req, res, next) => {
      if (methods.includes(req.method)) return next();
      res.setHeader('Allow', methods.join(', '));
      next(ngsiError('methodNotAllowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}; allowed: ${methods.join(', ')}`));
    });
  }
  return r;
}
