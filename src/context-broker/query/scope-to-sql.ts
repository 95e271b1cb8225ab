/**
 * Turns a `scopeQ` syntax tree into one boolean SQL expression over the `scopes text[]` column.
 * Exact scopes use array overlap (`&&`, answerable by a GIN index); wildcards use an anchored
 * regex on each scope. Scope strings always travel as parameters. A leading `/` is optional on
 * both sides (the scope grammar allows `Madrid/Gardens`), so both spellings match each other.
 * A NULL `scopes` column (entity without scopes) matches nothing and never yields NULL.
 */
import type { SqlParams } from '../../core/index.js';
import type { ScopeNode, ScopeTerm } from './ast.js';

export interface ScopeToSqlOptions {
  /** The text[] column holding the entity's scopes, qualified as the caller's query needs (`e.scopes`). */
  scopesColumn: string;
  params: SqlParams;
}

/** Translates a `scopeQ` syntax tree into a boolean SQL expression; values are added to `opts.params`. */
export function scopeToSql(node: ScopeNode, opts: ScopeToSqlOptions): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.operands.map((o) => scopeToSql(o, opts)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'scope':
      return termSql(node, opts);
  }
}

function termSql(term: ScopeTerm, { scopesColumn: col, params }: ScopeToSqlOptions): string {
  if (term.levels.length === 0) return `COALESCE(cardinality(${col}) > 0, false)`;
  if (!term.descendants && !term.levels.includes('+')) {
    const path = term.levels.join('/');
    return `COALESCE(${col} && ${params.add([`/${path}`, path])}::text[], false)`;
  }
  const body = term.levels.map((l) => (l === '+' ? '[^/]+' : escapeRegex(l))).join('/');
  const regex = `^/?${body}${term.descendants ? '(/[^/]+)*' : ''}$`;
  return `EXISTS (SELECT 1 FROM unnest(${col}) AS q_scope(s) WHERE q_scope.s ~ ${params.add(regex)})`;
}

// Levels hold only letters, digits and '_' today; escaping keeps the regex literal if that grows.
function escapeRegex(level: string): string {
  return level.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
