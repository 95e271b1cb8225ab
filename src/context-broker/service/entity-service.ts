/**
 * The entity operations of the NGSI-LD API on top of the store: each is one transaction that
 * loads, applies a pure merge function, and writes. Batches are set-based (one read, one write).
 */
import type { SqlEngine, SqlExecutor } from '../../core/index.js';
import { ngsiError, ngsiErrorType } from '../errors.js';
import type { ProblemError } from '../../core/index.js';
import type { StoredEntity } from '../model/entity.js';
import {
  appendAttributes,
  deleteAttribute,
  mergeEntity,
  mergeInstance,
  newEntity,
  replaceEntity,
  stamp,
  updateAttributes,
  type AppendResult,
} from '../model/merge.js';
import type { AttributeChanges, ParsedEntity } from '../model/parse-entity.js';
import type { Instance } from '../model/entity.js';
import { EntityStore, type EntityQuery, type QueryPage } from '../store/entity-store.js';
import { ReadBatcher } from '../store/read-batcher.js';

export interface BatchError {
  entityId: string;
  error: ProblemError;
}

export interface BatchOutcome {
  success: string[];
  /** Ids created (upsert), a subset of success. */
  created: string[];
  errors: BatchError[];
}

/** A batch item that failed to parse carries its error instead of an entity. */
export type BatchItem<T> = { id: string; value: T } | { id: string; error: ProblemError };

export interface EntityEvents {
  /** Called after a commit with the entities as they are now (undefined = deleted). */
  changed?(tenant: string, changes: Array<{ id: string; before?: StoredEntity; after?: StoredEntity }>): void;
}

const notFound = (id: string) => ngsiError('resourceNotFound', `entity ${id} does not exist`);

/** Writes before the embedded engine's statistics are refreshed: a base plus a share of the table. */
const ANALYZE_BASE = 5000;
const ANALYZE_SHARE = 0.2;

/** The expanded IRI of the core `scope` member, which the attribute operations treat as an attribute. */
export const SCOPE_IRI = 'https://uri.etsi.org/ngsi-ld/scope';

/** Entity members a fragment may carry besides attributes. */
export interface EntityMembers {
  types?: string[];
  scopes?: string[];
}

/** Adds types and sets the scope of an append/update result; 'existing' only replaces a scope that exists. */
function applyMembers(r: AppendResult, e: StoredEntity, extra: EntityMembers, now: string, scopeRule: 'replace' | 'keep' | 'existing'): AppendResult {
  let entity = r.entity;
  const updated = [...r.updated];
  const notUpdated = [...r.notUpdated];
  const newTypes = (extra.types ?? []).filter((t) => !entity.types.includes(t));
  if (newTypes.length > 0) {
    entity = { ...entity, types: [...entity.types, ...newTypes], modifiedAt: now };
    updated.push('type');
  }
  if (extra.scopes) {
    const has = e.scopes !== undefined && e.scopes.length > 0;
    if ((scopeRule === 'keep' && has) || (scopeRule === 'existing' && !has)) {
      notUpdated.push({ attributeName: SCOPE_IRI, reason: has ? 'the entity already has a scope and noOverwrite was requested' : 'the entity has no scope' });
    } else {
      entity = { ...entity, scopes: extra.scopes, modifiedAt: now };
      updated.push(SCOPE_IRI);
    }
  }
  return { entity, updated, notUpdated };
}

export class EntityService {
  readonly store = new EntityStore();
  private readonly reads: ReadBatcher;

  constructor(
    private readonly engine: SqlEngine,
    private readonly clock: () => string = () => new Date().toISOString(),
    private readonly events: EntityEvents = {},
  ) {
    this.reads = new ReadBatcher(engine, this.store);
  }

  /** Rows written since the planner statistics were last refreshed (embedded engine only). */
  private writesSinceAnalyze = 0;
  private analyzeThreshold = ANALYZE_BASE;
  private analyzing = false;

  private emit(tenant: string, changes: Array<{ id: string; before?: StoredEntity; after?: StoredEntity }>): void {
    if (changes.length > 0) this.events.changed?.(tenant, changes);
    this.noteWrites(changes.length);
  }

  /**
   * PGlite has no autovacuum, so without this the planner never gets statistics and picks poor
   * plans for type and q queries as the store grows. PostgreSQL's autovacuum does it there.
   */
  private noteWrites(n: number): void {
    if (this.engine.kind !== 'pglite' || n === 0) return;
    this.writesSinceAnalyze += n;
    if (this.analyzing || this.writesSinceAnalyze < this.analyzeThreshold) return;
    this.analyzing = true;
    this.writesSinceAnalyze = 0;
    // Like autovacuum: a fixed base plus a share of the table, so a big table is not re-read for
    // every few thousand writes (each run blocks the embedded database while it reads the table).
    this.engine
      .query('VACUUM (ANALYZE) entity')
      .then(() => this.engine.query<{ n: number }>("SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'entity'"))
      .then((r) => {
        this.analyzeThreshold = Math.max(ANALYZE_BASE, Math.round(Number(r.rows[0]?.n ?? 0) * ANALYZE_SHARE));
      })
      .catch(() => undefined)
      .finally(() => {
        this.analyzing = false;
      });
  }

  /** Throws NonexistentTenant for a read of a tenant that was never written to. */
  async requireTenant(tenant: string): Promise<void> {
    if (tenant === '') return;
    if (!(await this.store.tenantExists(this.engine, tenant))) {
      throw ngsiError('nonexistentTenant', `tenant ${tenant} does not exist`);
    }
  }

  /** Lists tenants that exist. */
  tenants(): Promise<string[]> {
    return this.store.tenants(this.engine);
  }

  /** Creates one entity; AlreadyExists when the id is taken. */
  async create(tenant: string, parsed: ParsedEntity): Promise<void> {
    const entity = newEntity(parsed, this.clock());
    await this.engine.transaction(async (tx) => {
      await this.store.ensureTenant(tx, tenant);
      const existing = await this.store.insert(tx, tenant, [entity]);
      if (existing.size > 0) throw ngsiError('alreadyExists', `entity ${parsed.id} already exists`);
    });
    this.emit(tenant, [{ id: entity.id, after: entity }]);
  }

  /** Reads one entity or throws ResourceNotFound. */
  async retrieve(tenant: string, id: string): Promise<StoredEntity> {
    await this.requireTenant(tenant);
    const e = await this.reads.get(tenant, id);
    if (!e) throw notFound(id);
    return e;
  }

  /** Runs a query. */
  async query(tenant: string, q: EntityQuery): Promise<QueryPage> {
    await this.requireTenant(tenant);
    return this.store.query(this.engine, tenant, q);
  }

  /** Loads, changes and writes one entity in a transaction. */
  private async modify<T>(tenant: string, id: string, change: (e: StoredEntity, now: string) => { entity: StoredEntity | undefined; result: T }): Promise<T> {
    const now = this.clock();
    let before: StoredEntity | undefined;
    let after: StoredEntity | undefined;
    const result = await this.engine.transaction(async (tx) => {
      if (tenant !== '' && !(await this.store.tenantExists(tx, tenant))) throw ngsiError('nonexistentTenant', `tenant ${tenant} does not exist`);
      before = await this.store.get(tx, tenant, id, true);
      if (!before) throw notFound(id);
      const out = change(before, now);
      after = out.entity;
      if (after && after !== before) await this.store.write(tx, tenant, [after]);
      return out.result;
    });
    if (after && after !== before) this.emit(tenant, [{ id, before, after }]);
    return result;
  }

  /** Replaces an entity whole, keeping its createdAt (PUT /entities/{id}). */
  replace(tenant: string, parsed: ParsedEntity): Promise<void> {
    return this.modify(tenant, parsed.id, (e, now) => ({ entity: replaceEntity(e, parsed, now), result: undefined }));
  }

  /** Merge-patch of an entity (PATCH /entities/{id}). */
  merge(tenant: string, id: string, changes: AttributeChanges, scopes?: string[] | null): Promise<void> {
    return this.modify(tenant, id, (e, now) => ({ entity: mergeEntity(e, changes, now, scopes), result: undefined }));
  }

  /**
   * Appends attributes (POST /entities/{id}/attrs). Types in the fragment are added (multi-typing,
   * clause 4.16); a scope in it replaces the entity's scope unless noOverwrite keeps an existing one.
   */
  append(tenant: string, id: string, changes: AttributeChanges, noOverwrite: boolean, extra: EntityMembers = {}): Promise<AppendResult> {
    return this.modify(tenant, id, (e, now) => {
      const r = appendAttributes(e, changes, now, noOverwrite);
      const withMembers = applyMembers(r, e, extra, now, noOverwrite ? 'keep' : 'replace');
      return { entity: withMembers.updated.length > 0 ? withMembers.entity : e, result: withMembers };
    });
  }

  /** Updates existing attributes (PATCH /entities/{id}/attrs); types given are added, an existing scope replaced. */
  update(tenant: string, id: string, changes: AttributeChanges, extra: EntityMembers = {}): Promise<AppendResult> {
    return this.modify(tenant, id, (e, now) => {
      const r = updateAttributes(e, changes, now);
      const withMembers = applyMembers(r, e, extra, now, 'existing');
      return { entity: withMembers.updated.length > 0 ? withMembers.entity : e, result: withMembers };
    });
  }

  /** Partial update of one attribute instance (PATCH /entities/{id}/attrs/{attrId}); the NGSI-LD Null deletes it. */
  patchAttribute(tenant: string, id: string, iri: string, patch: Instance[], displayName: string): Promise<void> {
    return this.modify(tenant, id, (e, now) => {
      const current = e.attrs[iri];
      if (!current) throw ngsiError('resourceNotFound', `entity ${id} has no attribute ${displayName}`);
      const next = [...current];
      for (const p of patch) {
        const idx = next.findIndex((c) => (c.datasetId ?? null) === (p.datasetId ?? null));
        if (idx < 0) throw ngsiError('resourceNotFound', `attribute ${displayName} of ${id} has no instance with datasetId ${p.datasetId ?? '(default)'}`);
        if (p.delete) {
          next.splice(idx, 1);
          continue;
        }
        if (p.type !== undefined && p.type !== next[idx]!.type) {
          throw ngsiError('badRequestData', `attribute ${displayName} is a ${next[idx]!.type}; a partial update cannot make it a ${p.type}`);
        }
        next[idx] = mergeInstance(next[idx]!, p, now);
      }
      const attrs = { ...e.attrs, [iri]: next };
      if (next.length === 0) delete attrs[iri];
      return { entity: { ...e, attrs, modifiedAt: now }, result: undefined };
    });
  }

  /** Replaces one instance of an attribute (PUT /entities/{id}/attrs/{attrId}); the others stay. */
  replaceAttribute(tenant: string, id: string, iri: string, instances: Instance[], displayName: string): Promise<void> {
    return this.modify(tenant, id, (e, now) => {
      const current = e.attrs[iri];
      if (!current) throw ngsiError('resourceNotFound', `entity ${id} has no attribute ${displayName}`);
      const next = [...current];
      for (const inst of instances) {
        const idx = next.findIndex((c) => (c.datasetId ?? null) === (inst.datasetId ?? null));
        if (idx < 0) throw ngsiError('resourceNotFound', `attribute ${displayName} of ${id} has no instance with datasetId ${inst.datasetId ?? '(default)'}`);
        next[idx] = stamp(inst, now, next[idx]);
      }
      return { entity: { ...e, attrs: { ...e.attrs, [iri]: next }, modifiedAt: now }, result: undefined };
    });
  }

  /** Deletes an attribute (or one datasetId instance, or all instances); `scope` removes the entity's scopes. */
  deleteAttribute(tenant: string, id: string, iri: string, displayName: string, datasetId?: string, deleteAll = false): Promise<void> {
    return this.modify(tenant, id, (e, now) => {
      if (iri === SCOPE_IRI) {
        if (!e.scopes || e.scopes.length === 0) throw ngsiError('resourceNotFound', `entity ${id} has no scope`);
        const { scopes: _gone, ...rest } = e;
        return { entity: { ...rest, modifiedAt: now }, result: undefined };
      }
      const next = deleteAttribute(e, iri, now, datasetId, deleteAll);
      if (!next) throw ngsiError('resourceNotFound', `entity ${id} has no attribute ${displayName}${datasetId ? ` with datasetId ${datasetId}` : ''}`);
      return { entity: next, result: undefined };
    });
  }

  /** Deletes one entity. */
  async delete(tenant: string, id: string): Promise<void> {
    let before: StoredEntity | undefined;
    await this.engine.transaction(async (tx) => {
      if (tenant !== '' && !(await this.store.tenantExists(tx, tenant))) throw ngsiError('nonexistentTenant', `tenant ${tenant} does not exist`);
      before = await this.store.get(tx, tenant, id, true);
      if (!before) throw notFound(id);
      await this.store.delete(tx, tenant, [id]);
    });
    this.emit(tenant, [{ id, before }]);
  }

  /** Splits failed items out and finds duplicate ids within a batch (each is an error). */
  private triage<T>(items: BatchItem<T>[]): { ok: Array<{ id: string; value: T }>; errors: BatchError[] } {
    const ok: Array<{ id: string; value: T }> = [];
    const errors: BatchError[] = [];
    for (const item of items) {
      if ('error' in item) errors.push({ entityId: item.id, error: item.error });
      else ok.push(item);
    }
    return { ok, errors };
  }

  /** Batch create: each new id is created, each taken id is reported AlreadyExists. */
  async batchCreate(tenant: string, items: BatchItem<ParsedEntity>[]): Promise<BatchOutcome> {
    const now = this.clock();
    const { ok, errors } = this.triage(items);
    const seen = new Set<string>();
    const fresh: StoredEntity[] = [];
    for (const { id, value } of ok) {
      if (seen.has(id)) {
        errors.push({ entityId: id, error: ngsiError('alreadyExists', `entity ${id} appears twice in the batch`) });
        continue;
      }
      seen.add(id);
      fresh.push(newEntity(value, now));
    }
    let taken = new Set<string>();
    if (fresh.length > 0) {
      taken = await this.engine.transaction(async (tx) => {
        await this.store.ensureTenant(tx, tenant);
        return this.store.insert(tx, tenant, fresh);
      });
    }
    for (const id of taken) errors.push({ entityId: id, error: ngsiError('alreadyExists', `entity ${id} already exists`) });
    const created = fresh.filter((e) => !taken.has(e.id));
    this.emit(tenant, created.map((e) => ({ id: e.id, after: e })));
    const success = created.map((e) => e.id);
    return { success, created: success, errors };
  }

  /**
   * Batch write of whole or partial entities: upsert (replace or update), update (existing only,
   * with noOverwrite) and merge. One locked read of all ids, one write of all results.
   */
  async batchWrite(
    tenant: string,
    items: BatchItem<ParsedEntity>[],
    mode: 'upsert-replace' | 'upsert-update' | 'update' | 'update-noOverwrite' | 'merge',
  ): Promise<BatchOutcome> {
    const now = this.clock();
    const { ok, errors } = this.triage(items);
    // Later items of the same id apply on top of earlier ones, as if sent one after another.
    const ids = [...new Set(ok.map((i) => i.id))];
    const created: string[] = [];
    const changes: Array<{ id: string; before?: StoredEntity; after?: StoredEntity }> = [];
    const success = new Set<string>();
    const noOverwriteErrors: BatchError[] = [];
    if (ids.length > 0) {
      await this.engine.transaction(async (tx: SqlExecutor) => {
        if (mode.startsWith('upsert')) await this.store.ensureTenant(tx, tenant);
        else if (tenant !== '' && !(await this.store.tenantExists(tx, tenant))) throw ngsiError('nonexistentTenant', `tenant ${tenant} does not exist`);
        const existing = await this.store.getMany(tx, tenant, ids, true);
        const current = new Map(existing);
        for (const { id, value } of ok) {
          const e = current.get(id);
          if (!e) {
            if (mode.startsWith('upsert')) {
              current.set(id, newEntity(value, now));
              if (!existing.has(id)) created.push(id);
              success.add(id);
            } else {
              errors.push({ entityId: id, error: notFound(id) });
            }
            continue;
          }
          switch (mode) {
            case 'upsert-replace':
              current.set(id, replaceEntity(e, value, now));
              break;
            case 'upsert-update':
            case 'update':
            case 'update-noOverwrite': {
              const r = appendAttributes(e, value.attrs, now, mode === 'update-noOverwrite');
              current.set(id, { ...r.entity, types: [...new Set([...e.types, ...value.types])] });
              if (mode === 'update-noOverwrite' && r.notUpdated.length > 0) {
                // Reported, not silently dropped: the caller asked not to overwrite these (clause 5.6.9).
                const names = r.notUpdated.map((n) => n.attributeName).join(', ');
                noOverwriteErrors.push({ entityId: id, error: ngsiError('badRequestData', `not overwritten (noOverwrite): ${names}`) });
              }
              break;
            }
            case 'merge':
              current.set(id, { ...mergeEntity(e, value.attrs, now, value.scopes), types: [...new Set([...e.types, ...value.types])] });
              break;
          }
          success.add(id);
        }
        const toWrite = [...success].map((id) => current.get(id)!);
        await this.store.write(tx, tenant, toWrite);
        for (const e of toWrite) changes.push({ id: e.id, before: existing.get(e.id), after: e } as { id: string; before?: StoredEntity; after?: StoredEntity });
      });
    }
    this.emit(tenant, changes);
    for (const e of noOverwriteErrors) success.delete(e.entityId);
    return { success: [...success], created: [...new Set(created)], errors: [...errors, ...noOverwriteErrors] };
  }

  /** Batch delete: deletes the ids that exist, reports the others ResourceNotFound. */
  async batchDelete(tenant: string, items: BatchItem<string>[]): Promise<BatchOutcome> {
    const { ok, errors } = this.triage(items);
    const ids: string[] = [];
    for (const { id } of ok) {
      if (ids.includes(id)) errors.push({ entityId: id, error: ngsiError('badRequestData', `entity ${id} appears twice in the batch`) });
      else ids.push(id);
    }
    let before = new Map<string, StoredEntity>();
    let deleted = new Set<string>();
    if (ids.length > 0) {
      await this.engine.transaction(async (tx) => {
        if (tenant !== '' && !(await this.store.tenantExists(tx, tenant))) throw ngsiError('nonexistentTenant', `tenant ${tenant} does not exist`);
        before = await this.store.getMany(tx, tenant, ids, true);
        deleted = await this.store.delete(tx, tenant, ids);
      });
    }
    for (const id of ids) if (!deleted.has(id)) errors.push({ entityId: id, error: notFound(id) });
    this.emit(tenant, [...deleted].map((id) => ({ id, before: before.get(id) })) as Array<{ id: string; before?: StoredEntity }>);
    return { success: [...deleted], created: [], errors };
  }
}

/** The BatchOperationResult body (clause 5.2.16). */
export function batchResultBody(outcome: BatchOutcome): { success: string[]; errors: Array<{ entityId: string; error: Record<string, unknown> }> } {
  return {
    success: outcome.success,
    errors: outcome.errors.map((e) => ({ entityId: e.entityId, error: e.error.toJSON() })),
  };
}

export { ngsiErrorType };
