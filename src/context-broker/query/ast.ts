/**
 * Syntax trees of the NGSI-LD query language `q` (ETSI GS CIM 009, clause 4.9) and of the scope
 * query `scopeQ` (clause 4.19). Parsers build them, `qToSql` / `scopeToSql` turn them into SQL; the
 * trees hold compact names exactly as the client wrote them, expansion happens in the SQL step.
 */

/** A parse outcome: parsers never throw, the caller turns `error` into a BadRequestData problem. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Limits that keep one query from occupying the database: each term becomes a JSON path
 * evaluation per candidate row, and nesting becomes SQL nesting.
 */
export const Q_LIMITS = {
  /** Query terms (comparisons, existence checks, patterns) in one `q` or scope terms in one `scopeQ`. */
  maxTerms: 64,
  /** Nesting of parentheses. */
  maxDepth: 16,
  /** Values in one value list (`a==1,2,3`). */
  maxListValues: 64,
  /** Characters of one regular expression (`~=` / `!~=`). */
  maxPatternLength: 512,
  /** Characters of the whole `q` / `scopeQ` text. */
  maxLength: 8192,
} as const;

/** Core members of an attribute instance that a dotted path may end with (kept compact in storage). */
export const ATTRIBUTE_MEMBERS = ['observedAt', 'unitCode', 'datasetId', 'createdAt', 'modifiedAt'] as const;
export type AttributeMember = (typeof ATTRIBUTE_MEMBERS)[number];

/**
 * Where a query term looks: `temperature.accuracy[raw.min]` is attribute `temperature`,
 * sub-attribute `accuracy`, then JSON keys `raw`, `min` inside that sub-attribute's value.
 * `temperature.observedAt` ends with a core member instead of a sub-attribute.
 */
export interface AttrPath {
  /** Top-level attribute name, compact as written. */
  attr: string;
  /** Sub-attribute names (properties of properties), compact as written. */
  subAttrs: string[];
  /** A core member (`observedAt`, …) of the target element, instead of its value. */
  member?: AttributeMember;
  /** Keys inside the target value (from `[a.b]` or `[a][b]`), never expanded; `'*'` is any member. */
  jsonKeys: string[];
  /** The path as written, for messages. */
  text: string;
}

/** One literal of a query: its kind decides how it compares (numbers never equal strings). */
export type QScalar =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'boolean'; value: boolean }
  /** Unquoted ISO 8601 literals compare temporally; a quoted one is just a string. */
  | { type: 'dateTime' | 'date' | 'time'; value: string };

export type QValue =
  | { kind: 'single'; value: QScalar }
  /** `a==1,2,3`: any of (with `!=`: none of). */
  | { kind: 'list'; values: QScalar[] }
  /** `a==1..5`: inclusive (with `!=`: outside). */
  | { kind: 'range'; low: QScalar; high: QScalar };

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export interface QAnd {
  kind: 'and';
  operands: QNode[];
}
export interface QOr {
  kind: 'or';
  operands: QNode[];
}
/** `temperature`: the target element exists. */
export interface QExists {
  kind: 'exists';
  path: AttrPath;
}
/** `!temperature`: the target element does not exist. */
export interface QNotExists {
  kind: 'notExists';
  path: AttrPath;
}
export interface QCompare {
  kind: 'compare';
  path: AttrPath;
  op: CompareOp;
  value: QValue;
}
/** `name~="^Ma"` / `name!~="^Ma"`: a POSIX regular expression on string target values. */
export interface QPattern {
  kind: 'pattern';
  path: AttrPath;
  negated: boolean;
  regex: string;
}

export type QNode = QAnd | QOr | QExists | QNotExists | QCompare | QPattern;

/**
 * One scope pattern of `scopeQ`: `/Madrid/+/Gardens` is levels `['Madrid', '+', 'Gardens']`
 * (`'+'` = exactly one level, never a real level name); `/Madrid/#` sets `descendants`
 * (the scope itself and everything below); `/#` is no levels with `descendants`.
 */
export interface ScopeTerm {
  kind: 'scope';
  levels: string[];
  descendants: boolean;
}
export interface ScopeAnd {
  kind: 'and';
  operands: ScopeNode[];
}
export interface ScopeOr {
  kind: 'or';
  operands: ScopeNode[];
}
export type ScopeNode = ScopeTerm | ScopeAnd | ScopeOr;
