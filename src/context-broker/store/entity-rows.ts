/** Conversion between stored entities and table rows, shared by reads and writes. */
import type { StoredEntity } from '../model/entity.js';
import { CORE } from '../model/entity.js';

export interface EntityRow {
  id: string;
  types: string[];
  scopes: string[] | null;
  attrs: StoredEntity['attrs'];
  created_at: Date | string;
  modified_at: Date | string;
}

/** The columns every entity read selects. */
export const ENTITY_COLUMNS = 'e.id, e.types, e.scopes, e.attrs, e.created_at, e.modified_at';

const iso = (v: Date | string): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

/** Builds a StoredEntity from a row. */
export function rowToEntity(row: EntityRow): StoredEntity {
  const e: StoredEntity = { id: row.id, types: row.types, attrs: row.attrs, createdAt: iso(row.created_at), modifiedAt: iso(row.modified_at) };
  if (row.scopes && row.scopes.length > 0) e.scopes = row.scopes;
  return e;
}

/** The geometry kept in a hot column: the default instance of the attribute, else the first. */
function geometryOf(e: StoredEntity, iri: string): unknown {
  const list = e.attrs[iri];
  if (!list || list.length === 0) return null;
  const inst = list.find((i) => i.datasetId === undefined) ?? list[0]!;
  return inst.type === 'GeoProperty' ? inst.value ?? null : null;
}

/** The JSON record `jsonb_to_recordset` turns into a row for writing. */
export function entityToRecord(e: StoredEntity): Record<string, unknown> {
  return {
    id: e.id,
    types: e.types,
    scopes: e.scopes ?? null,
    loc: geometryOf(e, CORE.location),
    obs: geometryOf(e, CORE.observationSpace),
    op: geometryOf(e, CORE.operationSpace),
    created_at: e.createdAt,
    modified_at: e.modifiedAt,
    attrs: e.attrs,
  };
}
