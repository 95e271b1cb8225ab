/**
 * One error family for every module: a ProblemError is an RFC 9457 problem (type URI, title,
 * status, detail) plus a stable origin-prefixed code. Modules define their catalogs on top of it;
 * no bare Error crosses a module boundary.
 */
export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly code: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(init: {
    status: number;
    type: string;
    title: string;
    code: string;
    detail?: string;
    extensions?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProblemError';
    this.status = init.status;
    this.type = init.type;
    this.title = init.title;
    this.code = init.code;
    this.detail = init.detail;
    this.extensions = init.extensions ?? {};
  }

  /** The RFC 9457 body for this problem. */
  toJSON(): ProblemJson {
    const body: ProblemJson = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) body.detail = this.detail;
    return { ...body, ...this.extensions };
  }
}

/** True when a value is a ProblemError (also across module copies). */
export function isProblemError(err: unknown): err is ProblemError {
  return err instanceof ProblemError;
}
