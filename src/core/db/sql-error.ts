/** A database failure with its SQLSTATE, the same from both engines. */
export class SqlError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly constraint: string | undefined;

  constructor(message: string, info: { code?: string | undefined; detail?: string | undefined; constraint?: string | undefined } = {}) {
    super(message);
    this.name = 'SqlError';
    this.code = info.code;
    this.detail = info.detail;
    this.constraint = info.constraint;
  }
}

/** SQLSTATE 23505: a unique constraint refused a row. */
export const UNIQUE_VIOLATION = '23505';
