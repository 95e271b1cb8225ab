/**
 * Turns a `q` syntax tree into one boolean SQL expression over the `attrs` jsonb column
 * (`{ "<attribute IRI>": [instance, …] }`, see the entity store). Each term becomes one
 * `jsonb_path_exists` call whose JSON path text and variables travel as parameters, so no user
 * value and no attribute IRI is ever spliced into the SQL text. Patterns use SQL's `~` on the
 * string target values instead, because jsonpath's `like_regex` only takes a literal.
 *
 * Target values of an attribute instance (clause 4.9): `value` (Property, GeoProperty), `object`
 * (Relationship), `vocab` (VocabProperty, compared with the query value expanded like a term),
 * every string of `languageMap` (LanguageProperty), `valueList` / `objectList`, and `json`.
 * Arrays match when any element matches. Relationships, ListRelationships and VocabProperties
 * only take `==` and `!=`; other operators never match them. Values of different JSON types never
 * compare equal (`a==5` does not match "5"); `!=` is the exact complement of `==` among entities
 * that have a target value, so "different type" counts as unequal, as the clause asks.
 */
import type { SqlParams } from '../../core/index.js';
import type { AttrPath, QCompare, QExists, QNode, QNotExists, QPattern, QScalar } from './ast.js';

/** Expands a compact attribute or sub-attribute name to its IRI with the request's @context. */
export interface AttrResolver {
  expandAttr(name: string): string;
}

export interface QToSqlOptions {
  /** The jsonb column holding the attributes, qualified as the caller's query needs (`e.attrs`). */
  attrsColumn: string;
  resolver: AttrResolver;
  params: SqlParams;
}

/** Translates a `q` syntax tree into a boolean SQL expression; values are added to `opts.params`. */
export function qToSql(node: QNode, opts: QToSqlOptions): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.operands.map((o) => qToSql(o, opts)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'exists':
      return existsSql(node, opts);
    case 'notExists':
      return `(NOT ${existsSql(node, opts)})`;
    case 'compare':
      return compareSql(node, opts);
    case 'pattern':
      return patternSql(node, opts);
  }
}

/** Quotes a member name for JSON path text (a double-quoted key: backslash, quote, controls escaped). */
function jsonPathKey(name: string): string {
  const escaped = name.replace(/[\\"\u0000-\u001f\u007f]/g, (c) =>
    c === '\\' || c === '"' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

// ---------------------------------------------------------------------------------------------

type TargetClass = 'equality' | 'ordering';

/** The resolved location of a path: JSON path to the instances of the target element. */
interface Located {
  topIri: string;
  elementPath: string;
}

function locate(path: AttrPath, resolver: AttrResolver): Located {
  const topIri = resolver.expandAttr(path.attr);
  const subs = path.subAttrs.map((s) => `.${jsonPathKey(resolver.expandAttr(s))}`).join('');
  return { topIri, elementPath: `$.${jsonPathKey(topIri)}${subs}` };
}

/**
 * Target value expressions relative to an element instance (`@`), each unwrapped one array level.
 * A core member is the only target; a `[…]` path enters `value`, `json` or a language of `languageMap`.
 */
function targetsOf(path: AttrPath, cls: TargetClass, temporal: boolean): string[] {
  if (path.member) return [`@.${jsonPathKey(path.member)}`];
  if (path.jsonKeys.length > 0) {
    // `[*]` is any member: `color[*]=="red"` looks through every language of a languageMap.
    const keys = path.jsonKeys.map((k) => (k === '*' ? '.*' : `.${jsonPathKey(k)}`)).join('');
    const inside = [`@.value${keys}[*]`, `@.json${keys}[*]`];
    // `name[en]` on a LanguageProperty addresses one language of its languageMap.
    return path.jsonKeys.length === 1 ? [...inside, `@.languageMap${keys}[*]`] : inside;
  }
  const targets = ['@.value[*]', '@.languageMap.*[*]', '@.valueList[*]', '@.json[*]'];
  if (cls === 'equality') targets.push('@.object[*]', '@.objectList[*]');
  // A DateTime sent in expanded form keeps its literal under "@value".
  if (temporal) targets.push('@.value."@value"[*]');
  return targets;
}

const isTemporal = (s: QScalar): boolean => s.type === 'dateTime' || s.type === 'date' || s.type === 'time';

/** Collects JSON path variables for one term. */
class PathVars {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  add(value: unknown): string {
    const name = `v${this.n++}`;
    this.values[name] = value;
    return `$${name}`;
  }
}

/**
 * `@ <op> $v`. Date-times compare as strings in the broker's stored form (UTC, milliseconds, `Z`):
 * every system datetime is stored that way, and PostgreSQL 15's `.datetime()` cannot read `Z`.
 */
function itemTest(op: string, scalar: QScalar, vars: PathVars): string {
  let value = scalar.value;
  if (scalar.type === 'dateTime') {
    const t = Date.parse(String(value));
    if (!Number.isNaN(t)) value = new Date(t).toISOString();
  }
  return `@ ${op} ${vars.add(value)}`;
}

function anyOf(tests: string[]): string {
  return tests.length === 1 ? tests[0]! : tests.map((t) => `(${t})`).join(' || ');
}

function existsSql(node: QExists | QNotExists, opts: QToSqlOptions): string {
  const { attrsColumn: col, params, resolver } = opts;
  const path = node.path;
  const { topIri, elementPath } = locate(path, resolver);
  const key = params.add(topIri);
  // A bare top-level attribute needs only the key test, which a GIN index on attrs can answer.
  if (path.subAttrs.length === 0 && !path.member && path.jsonKeys.length === 0) return `(${col} ? ${key})`;
  const jsonPath = path.member
    ? `${elementPath}.${jsonPathKey(path.member)}`
    : path.jsonKeys.length > 0
      ? `${elementPath} ? (${anyOf(targetsOf(path, 'equality', false).map((t) => `exists(${t})`))})`
      : elementPath;
  return `(${col} ? ${key} AND jsonb_path_exists(${col}, ${params.add(jsonPath)}::jsonpath))`;
}

function compareSql(node: QCompare, opts: QToSqlOptions): string {
  const { path, op, value } = node;
  const { topIri, elementPath } = locate(path, opts.resolver);
  const scalars = value.kind === 'single' ? [value.value] : value.kind === 'list' ? value.values : [value.low, value.high];
  const temporal = scalars.some(isTemporal);
  const equality = (op === '==' || op === '!=') && value.kind !== 'range';
  const targets = targetsOf(path, equality ? 'equality' : 'ordering', temporal);
  const vars = new PathVars();

  // The predicate "some target value satisfies the operator", on one element instance.
  let itemPredicate: string;
  if (value.kind === 'range') {
    itemPredicate = `${itemTest('>=', value.low, vars)} && ${itemTest('<=', value.high, vars)}`;
  } else {
    itemPredicate = anyOf(scalars.map((s) => itemTest(op === '!=' ? '==' : op, s, vars)));
  }
  const matches = targets.map((t) => `exists(${t} ? (${itemPredicate}))`);
  // VocabProperty values are stored expanded, so the query string is expanded the same way.
  const vocabTests = equality && !path.member && path.jsonKeys.length === 0
    ? scalars.filter((s) => s.type === 'string').map((s) => `@ == ${vars.add(expandValue(s.value as string, opts.resolver))}`)
    : [];
  if (vocabTests.length > 0) matches.push(`exists(@.vocab[*] ? (${anyOf(vocabTests)}))`);
  const element = `@.${elementPath.slice(2)}`;

  let jsonPath: string;
  if (op === '!=') {
    // Must have a target value, and none of them may equal (or fall in the range).
    const present = [...targets, ...(vocabTests.length > 0 ? ['@.vocab[*]'] : [])].map((t) => `exists(${t})`);
    jsonPath = `$ ? (exists(${element} ? (${present.join(' || ')})) && !(exists(${element} ? (${matches.join(' || ')}))))`;
  } else {
    jsonPath = `${elementPath} ? (${matches.join(' || ')})`;
  }
  const { attrsColumn: col, params } = opts;
  const key = params.add(topIri);
  // `silent` (the last argument) turns odd data into "no match".
  const fn = 'jsonb_path_exists';
  const pathParam = params.add(jsonPath);
  const varsParam = params.add(JSON.stringify(vars.values));
  return `(${col} ? ${key} AND ${fn}(${col}, ${pathParam}::jsonpath, ${varsParam}::jsonb, true))`;
}

function patternSql(node: QPattern, opts: QToSqlOptions): string {
  const { path } = node;
  const { topIri, elementPath } = locate(path, opts.resolver);
  // Absolute paths to every candidate target value; only strings take part.
  const valuePaths = targetsOf(path, 'ordering', false).map((t) => `${elementPath}${t.slice(1)}`);
  const { attrsColumn: col, params } = opts;
  const key = params.add(topIri);
  const paths = params.add(valuePaths);
  const regex = params.add(node.regex);
  const from =
    `FROM unnest(${paths}::text[]) AS q_path(p), jsonb_path_query(${col}, q_path.p::jsonpath, '{}'::jsonb, true) AS q_val(v) ` +
    `WHERE jsonb_typeof(q_val.v) = 'string'`;
  if (!node.negated) return `(${col} ? ${key} AND EXISTS (SELECT 1 ${from} AND (q_val.v #>> '{}') ~ ${regex}))`;
  // No string target → no match; otherwise every string target must miss the pattern.
  return `(${col} ? ${key} AND COALESCE((SELECT bool_and(NOT ((q_val.v #>> '{}') ~ ${regex})) ${from}), false))`;
}

function expandValue(value: string, resolver: AttrResolver): string {
  try {
    return resolver.expandAttr(value);
  } catch {
    // A value that is no valid term (spaces, odd characters) cannot name a vocabulary entry anyway.
    return value;
  }
}
