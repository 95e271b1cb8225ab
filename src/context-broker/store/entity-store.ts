/**
 * The entity store: every SQL statement of the broker's entity API, the same on PGlite and
 * PostgreSQL. Writes are set-based (one statement per batch); reads select hot columns.
 */
import { SqlParams, type SqlExecutor } from '../../core/index.js';
import type { StoredEntity } from '../model/entity.js';
import { ENTITY_COLUMNS, entityToRecord, rowToEntity, type EntityRow } from './entity-rows.js';
import { buildEntityFilter, type EntityFilter } from './entity-filter.js';

const RECORDSET = `jsonb_to_recordset($2::jsonb) AS r(id text, types text[], scopes text[], loc jsonb, obs jsonb, op jsonb,
  created_at timestamptz, modified_at timestamptz, attrs jsonb)`;
const geom = (col: string) => `CASE WHEN r.${col} IS NULL OR jsonb_typeof(r.${col}) <> 'object' THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON(r.${col}::text), 4326) END`;
const SELECT_RECORDS = `SELECT $1, r.id, r.types, r.scopes, ${geom('loc')}, ${geom('obs')}, ${geom('op')}, r.created_at, r.modified_at, r.attrs FROM ${RECORDSET}`;
const INSERT_COLUMNS = '(tenant, id, types, scopes, location, observation_space, operation_space, created_at, modified_at, attrs)';

export interface QueryPage {
  entities: StoredEntity[];
  /** Total matches, when a count was asked for. */
  count?: number;
}

export interface EntityQuery extends EntityFilter {
  limit: number;
  offset: number;
  count: boolean;
}

export class EntityStore {
  /** Records a tenant on its first write; later calls are answered from memory. */
  private readonly knownTenants = new Set<string>();

  /** Makes sure the tenant exists (tenants come into being with their first write). */
  async ensureTenant(db: SqlExecutor, tenant: string): Promise<void> {
    if (this.knownTenants.has(tenant)) return;
    await db.query('INSERT INTO tenant (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [tenant]);
    this.knownTenants.add(tenant);
  }

  /** True when the tenant has ever been written to. */
  async tenantExists(db: SqlExecutor, tenant: string): Promise<boolean> {
    if (this.knownTenants.has(tenant)) return true;
    const r = await db.query('SELECT 1 FROM tenant WHERE name = $1', [tenant]);
    if (r.rows.length > 0) this.knownTenants.add(tenant);
    return r.rows.length > 0;
  }

  /** Lists the tenants. */
  async tenants(db: SqlExecutor): Promise<string[]> {
    const r = await db.query<{ name: string }>('SELECT name FROM tenant ORDER BY name');
    return r.rows.map((x) => x.name);
  }

  /** Reads entities by id; `lock` takes row locks for a read-modify-write transaction. */
  async getMany(db: SqlExecutor, tenant: string, ids: readonly string[], lock = false): Promise<Map<string, StoredEntity>> {
    const r = await db.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.tenant = $1 AND e.id = ANY($2::text[])${lock ? ' FOR UPDATE' : ''}`,
      [tenant, ids],
    );
    return new Map(r.rows.map((row) => [row.id, rowToEntity(row)]));
  }

  /** Reads one entity by id. */
  async get(db: SqlExecutor, tenant: string, id: string, lock = false): Promise<StoredEntity | undefined> {
    const r = await db.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.tenant = $1 AND e.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenant, id],
    );
    return r.rows[0] ? rowToEntity(r.rows[0]) : undefined;
  }

  /** Inserts new entities; returns the ids that already existed (and were left untouched). */
  async insert(db: SqlExecutor, tenant: string, entities: readonly StoredEntity[]): Promise<Set<string>> {
    if (entities.length === 0) return new Set();
    const r = await db.query<{ id: string }>(
      `INSERT INTO entity ${INSERT_COLUMNS} ${SELECT_RECORDS} ON CONFLICT (tenant, id) DO NOTHING RETURNING id`,
      [tenant, JSON.stringify(entities.map(entityToRecord))],
    );
    const inserted = new Set(r.rows.map((x) => x.id));
    return new Set(entities.map((e) => e.id).filter((id) => !inserted.has(id)));
  }

  /** Writes entities whole, inserting or replacing each row. */
  async write(db: SqlExecutor, tenant: string, entities: readonly StoredEntity[]): Promise<void> {
    if (entities.length === 0) return;
    await db.query(
      `INSERT INTO entity ${INSERT_COLUMNS} ${SELECT_RECORDS}
       ON CONFLICT (tenant, id) DO UPDATE SET types = EXCLUDED.types, scopes = EXCLUDED.scopes, location = EXCLUDED.location,
         observation_space = EXCLUDED.observation_space, operation_space = EXCLUDED.operation_space,
         created_at = EXCLUDED.created_at, modified_at = EXCLUDED.modified_at, attrs = EXCLUDED.attrs`,
      [tenant, JSON.stringify(entities.map(entityToRecord))],
    );
  }

  /** Deletes entities; returns the ids that were deleted. */
  async delete(db: SqlExecutor, tenant: string, ids: readonly string[]): Promise<Set<string>> {
    const r = await db.query<{ id: string }>('DELETE FROM entity WHERE tenant = $1 AND id = ANY($2::text[]) RETURNING id', [tenant, ids]);
    return new Set(r.rows.map((x) => x.id));
  }

  /** Runs a query: filters, stable order by id, one page, and the total when asked. */
  async query(db: SqlExecutor, tenant: string, q: EntityQuery): Promise<QueryPage> {
    const params = new SqlParams([tenant]);
    const where = buildEntityFilter(q, params);
    const page: QueryPage = { entities: [] };
    if (q.limit > 0) {
      const limit = params.add(q.limit);
      const offset = params.add(q.offset);
      const r = await db.query<EntityRow>(
        `SELECT ${ENTITY_COLUMNS} FROM entity e WHERE e.tenant = $1${where} ORDER BY e.id LIMIT ${limit} OFFSET ${offset}`,
        params.values,
      );
      page.entities = r.rows.map(rowToEntity);
    }
    if (q.count) {
      const countParams = new SqlParams([tenant]);
      const countWhere = buildEntityFilter(q, countParams);
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM entity e WHERE e.tenant = $1${countWhere}`, countParams.values);
      page.count = Number(r.rows[0]?.n ?? 0);
    }
    return page;
  }
}
