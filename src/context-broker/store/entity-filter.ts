/** Builds the WHERE clause of an entity query from its parsed parts (values as parameters). */
import type { SqlParams } from '../../core/index.js';
import type { QNode, ScopeNode, AttrResolver } from '../query/index.js';
import { qToSql, scopeToSql } from '../query/index.js';
import type { GeoQuery } from '../geo/index.js';
import { geoToSql, geometryColumnFor } from '../geo/index.js';
import type { TypeSelector } from '../query/parse-type.js';

/** One EntitySelector of a Query (clause 5.2.33): type, and optionally id or idPattern. */
export interface EntitySelectorFilter {
  types: TypeSelector;
  id?: string;
  idPattern?: string;
}

export interface EntityFilter {
  /** Entities matching any of these selectors (POST /entityOperations/query). */
  selectors?: EntitySelectorFilter[];
  /** OR of ANDs of expanded type IRIs. */
  types?: TypeSelector;
  ids?: string[];
  idPattern?: string;
  q?: QNode;
  scopeQ?: ScopeNode;
  geo?: GeoQuery;
  /** Entities must have at least one of these attributes (expanded IRIs). */
  anyAttrs?: string[];
  /** Expands attribute names in q and geoproperty. */
  resolver: AttrResolver;
}

/** The condition for a type selector: any of the alternatives, each needing all its types. */
function typeCondition(types: TypeSelector, params: SqlParams): string {
  if (types.every((all) => all.length === 1)) {
    // Any of several single types: one test the GIN index on types can answer.
    return `e.types && ${params.add(types.map((all) => all[0]))}::text[]`;
  }
  const alternatives = types.map((all) => `e.types @> ${params.add(all)}::text[]`);
  return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`;
}

/** Returns ` AND …` conditions for the filter (empty string when none). */
export function buildEntityFilter(f: EntityFilter, params: SqlParams): string {
  const parts: string[] = [];
  if (f.selectors && f.selectors.length > 0) {
    const any = f.selectors.map((sel) => {
      const conds = [typeCondition(sel.types, params)];
      if (sel.id !== undefined) conds.push(`e.id = ${params.add(sel.id)}`);
      if (sel.idPattern !== undefined) conds.push(`e.id ~ ${params.add(sel.idPattern)}`);
      return `(${conds.join(' AND ')})`;
    });
    parts.push(any.length === 1 ? any[0]! : `(${any.join(' OR ')})`);
  }
  if (f.types && f.types.length > 0) parts.push(typeCondition(f.types, params));
  if (f.ids && f.ids.length > 0) parts.push(`e.id = ANY(${params.add(f.ids)}::text[])`);
  if (f.idPattern !== undefined) parts.push(`e.id ~ ${params.add(f.idPattern)}`);
  if (f.anyAttrs && f.anyAttrs.length > 0) parts.push(`e.attrs ?| ${params.add(f.anyAttrs)}::text[]`);
  if (f.q) parts.push(`(${qToSql(f.q, { attrsColumn: 'e.attrs', resolver: f.resolver, params })})`);
  if (f.scopeQ) parts.push(`(${scopeToSql(f.scopeQ, { scopesColumn: 'e.scopes', params })})`);
  if (f.geo) {
    const resolver = f.resolver;
    parts.push(`(${geoToSql(f.geo, { geometryOf: (name) => geometryColumnFor(resolver.expandAttr(name), 'e', params), params })})`);
  }
  return parts.map((p) => ` AND ${p}`).join('');
}
