/**
 * JSON body reading with the hub's limits: size (413), nesting depth and malformed JSON (400),
 * media type (415). Each API renders these failures in its own error format through `onError`.
 */
import type { NextFunction, Request, Response } from 'express';
import type { ProblemError } from '../errors.js';

export type BodyFailure = 'too-large' | 'malformed' | 'too-deep' | 'media-type';

export interface JsonBodyOptions {
  limitBytes: number;
  maxDepth: number;
  /** Media types accepted for bodies (without parameters). */
  mediaTypes: readonly string[];
  onError: (failure: BodyFailure, detail: string) => ProblemError;
}

/** Nesting depth of a parsed JSON value, stopping as soon as `max` is passed. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}

/** Express middleware that reads and parses a JSON body under the given limits. */
export function jsonBody(options: JsonBodyOptions) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if ((length === undefined || length === '0') && !chunked) {
      req.body = undefined;
      next();
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!options.mediaTypes.includes(type)) {
      // Drain the body so the connection stays usable.
      req.resume();
      next(options.onError('media-type', `Content-Type ${type || '(none)'} is not supported; use ${options.mediaTypes.join(' or ')}`));
      return;
    }
    if (length !== undefined && Number(length) > options.limitBytes) {
      req.resume();
      next(options.onError('too-large', `the body has ${length} bytes; the limit is ${options.limitBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > options.limitBytes) {
        failed = true;
        next(options.onError('too-large', `the body exceeds the limit of ${options.limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        next(options.onError('malformed', `the body could not be read: ${err.message}`));
      }
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        next(options.onError('malformed', `the body is not valid JSON: ${(err as Error).message}`));
        return;
      }
      if (jsonDepthExceeds(parsed, options.maxDepth)) {
        next(options.onError('too-deep', `the body nests deeper than ${options.maxDepth} levels`));
        return;
      }
      req.body = parsed;
      next();
    });
  };
}
