/**
 * Collects positional parameters while SQL text is built, so user values never get spliced into
 * SQL: `p.add(v)` returns the placeholder (`$3`) and keeps the value.
 */
export class SqlParams {
  readonly values: unknown[];

  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }

  /** Adds a value and returns its placeholder, e.g. `$4`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQL text with its parameters, as every query builder returns it. */
export interface SqlFragment {
  text: string;
  params: unknown[];
}
