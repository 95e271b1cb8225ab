/**
 * Turns database failures caused by what a client sent (a regular expression PostgreSQL rejects,
 * a value it cannot cast) into NGSI-LD 400s, and storage outages into 503s; the rest stay 500s.
 */
import type { NextFunction, Request, Response } from 'express';
import { SqlError } from '../../core/index.js';
import { ngsiError } from '../errors.js';

// SQLSTATE classes: 22 = data exception (bad regex 2201B, bad cast 22P02, SQL/JSON 2203x),
// 54 = program limit exceeded, 08 = connection exception, 57P = operator intervention.
function classify(code: string | undefined): 'client' | 'complex' | 'unavailable' | undefined {
  if (!code) return undefined;
  if (code.startsWith('22')) return 'client';
  if (code.startsWith('54')) return 'complex';
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') return 'unavailable';
  return undefined;
}

/** Express error middleware for the broker's router. */
export function sqlErrorsToProblems(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (!(err instanceof SqlError)) return next(err);
  switch (classify(err.code)) {
    case 'client':
      return next(ngsiError('badRequestData', `the storage refused a value of the request: ${err.message}`));
    case 'complex':
      return next(ngsiError('tooComplexQuery', 'the query is too complex for the storage to run'));
    case 'unavailable':
      return next(ngsiError('serviceUnavailable', 'the storage is not reachable; try again later'));
    default:
      return next(err);
  }
}
