/** Reads for type and attribute discovery (clause 5.7.5–5.7.10) and entity-type data classes. */
import type { SqlExecutor } from '../../core/index.js';

export type DataClass = 'open' | 'limited' | 'personal';
export const DATA_CLASSES: readonly DataClass[] = ['open', 'limited', 'personal'];
/** Types nobody classified are "limited": never published, never personal-gated by mistake. */
export const DEFAULT_DATA_CLASS: DataClass = 'limited';

export interface TypeSummary {
  type: string;
  entityCount: number;
  attributes: string[];
}

export interface AttributeSummary {
  attribute: string;
  count: number;
  attributeTypes: string[];
  typeNames: string[];
}

/** Every type in the tenant with its entity count and attribute names. */
export async function typeSummaries(db: SqlExecutor, tenant: string, onlyType?: string): Promise<TypeSummary[]> {
  const params: unknown[] = [tenant];
  let filter = '';
  if (onlyType !== undefined) {
    params.push(onlyType);
    filter = ' AND e.types @> ARRAY[$2::text]';
  }
  const r = await db.query<{ type: string; n: number; attrs: string[] | null }>(
    `SELECT t.type, count(DISTINCT e.id)::int AS n, array_remove(array_agg(DISTINCT k.key), NULL) AS attrs
       FROM entity e
       CROSS JOIN LATERAL unnest(e.types) AS t(type)
       LEFT JOIN LATERAL jsonb_object_keys(e.attrs) AS k(key) ON true
      WHERE e.tenant = $1${filter}
      GROUP BY t.type ORDER BY t.type`,
    params,
  );
  const rows = onlyType === undefined ? r.rows : r.rows.filter((x) => x.type === onlyType);
  return rows.map((x) => ({ type: x.type, entityCount: Number(x.n), attributes: x.attrs ?? [] }));
}

/** The attribute types (Property, Relationship, …) each attribute of a type has. */
export async function attributeTypesOfType(db: SqlExecutor, tenant: string, type: string): Promise<Map<string, string[]>> {
  const r = await db.query<{ attr: string; kinds: string[] }>(
    `SELECT k.key AS attr, array_agg(DISTINCT i.inst->>'type') AS kinds
       FROM entity e
       CROSS JOIN LATERAL jsonb_each(e.attrs) AS k(key, value)
       CROSS JOIN LATERAL jsonb_array_elements(k.value) AS i(inst)
      WHERE e.tenant = $1 AND e.types @> ARRAY[$2::text]
      GROUP BY k.key`,
    [tenant, type],
  );
  return new Map(r.rows.map((x) => [x.attr, [...x.kinds].sort()]));
}

/** Every attribute in the tenant with how many entities have it, its kinds and the types carrying it. */
export async function attributeSummaries(db: SqlExecutor, tenant: string, onlyAttr?: string): Promise<AttributeSummary[]> {
  const params: unknown[] = [tenant];
  let filter = '';
  if (onlyAttr !== undefined) {
    params.push(onlyAttr);
    filter = ' AND e.attrs ? $2';
  }
  const r = await db.query<{ attr: string; n: number; kinds: string[]; types: string[] }>(
    `SELECT k.key AS attr, count(DISTINCT e.id)::int AS n,
            array_agg(DISTINCT i.inst->>'type') AS kinds,
            array_agg(DISTINCT t.type) AS types
       FROM entity e
       CROSS JOIN LATERAL jsonb_each(e.attrs) AS k(key, value)
       CROSS JOIN LATERAL jsonb_array_elements(k.value) AS i(inst)
       CROSS JOIN LATERAL unnest(e.types) AS t(type)
      WHERE e.tenant = $1${filter}
      GROUP BY k.key ORDER BY k.key`,
    params,
  );
  const rows = onlyAttr === undefined ? r.rows : r.rows.filter((x) => x.attr === onlyAttr);
  return rows.map((x) => ({ attribute: x.attr, count: Number(x.n), attributeTypes: [...x.kinds].sort(), typeNames: [...x.types].sort() }));
}

/** The data class of each given type (default for types never classified). */
export async function dataClasses(db: SqlExecutor, tenant: string, types: readonly string[]): Promise<Map<string, DataClass>> {
  const out = new Map<string, DataClass>(types.map((t) => [t, DEFAULT_DATA_CLASS]));
  if (types.length === 0) return out;
  const r = await db.query<{ type: string; data_class: DataClass }>(
    'SELECT type, data_class FROM entity_type_class WHERE tenant = $1 AND type = ANY($2::text[])',
    [tenant, types],
  );
  for (const row of r.rows) out.set(row.type, row.data_class);
  return out;
}

/** Sets a type's data class and logs the change with who and why; returns the previous class. */
export async function setDataClass(
  db: SqlExecutor,
  tenant: string,
  type: string,
  to: DataClass,
  reason: string,
  changedBy: string,
  now: string,
): Promise<DataClass> {
  const prev = (await dataClasses(db, tenant, [type])).get(type) ?? DEFAULT_DATA_CLASS;
  await db.query(
    `INSERT INTO entity_type_class (tenant, type, data_class, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, type) DO UPDATE SET data_class = EXCLUDED.data_class, updated_at = EXCLUDED.updated_at`,
    [tenant, type, to, now],
  );
  if (prev !== to) {
    await db.query(
      `INSERT INTO entity_type_class_change (tenant, type, from_class, to_class, reason, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenant, type, prev, to, reason, changedBy, now],
    );
  }
  return prev;
}
