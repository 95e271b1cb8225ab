/**
 * The write semantics of NGSI-LD on the stored form: replace, append (with or without overwrite),
 * update of existing attributes only, partial attribute update and merge-patch. Pure functions:
 * the caller loads the entity, applies one of these, and writes the result.
 */
import type { AttributeMap, Instance, StoredEntity } from './entity.js';
import { INSTANCE_MEMBERS, subAttributeKeys } from './entity.js';
import type { AttributeChanges, ParsedEntity } from './parse-entity.js';
import { ngsiError } from '../errors.js';

/** Sets createdAt/modifiedAt on an instance and its sub-attributes, keeping createdAt from `prev`. */
export function stamp(inst: Instance, now: string, prev?: Instance): Instance {
  const out: Instance = { ...inst, createdAt: prev?.createdAt ?? now, modifiedAt: now };
  for (const key of subAttributeKeys(inst)) {
    const prevSub = prev?.[key] as Instance | undefined;
    out[key] = stamp(inst[key] as Instance, now, prevSub);
  }
  return out;
}

const sameDataset = (a: Instance, b: Instance) => (a.datasetId ?? null) === (b.datasetId ?? null);

/** A merge that would create an attribute from a fragment with no value. */
function missingValue(iri: string): Error {
  return ngsiError('badRequestData', `attribute ${iri} does not exist, so its fragment needs a type or a value`);
}

/** Builds a new stored entity from a parsed one (create). */
export function newEntity(parsed: ParsedEntity, now: string): StoredEntity {
  const attrs: AttributeMap = {};
  for (const [iri, list] of Object.entries(parsed.attrs)) attrs[iri] = list.map((i) => stamp(i, now));
  return { id: parsed.id, types: parsed.types, ...(parsed.scopes ? { scopes: parsed.scopes } : {}), attrs, createdAt: now, modifiedAt: now };
}

/** Replaces everything but id and createdAt (PUT /entities/{id}, upsert with replace). */
export function replaceEntity(existing: StoredEntity, parsed: ParsedEntity, now: string): StoredEntity {
  const fresh = newEntity(parsed, now);
  return { ...fresh, createdAt: existing.createdAt };
}

export interface AppendResult {
  entity: StoredEntity;
  updated: string[];
  notUpdated: Array<{ attributeName: string; reason: string }>;
}

/** What an append or update did so far: the new attribute map and the names updated or not. */
interface Outcome {
  attrs: AttributeMap;
  updated: string[];
  notUpdated: AppendResult['notUpdated'];
}

function startOutcome(existing: StoredEntity): Outcome {
  return { attrs: { ...existing.attrs }, updated: [], notUpdated: [] };
}

/** Records one attribute: its new instances (none left deletes it), or, when unchanged, why not. */
function record(o: Outcome, iri: string, next: Instance[] | undefined, reason: string): void {
  if (next === undefined) {
    o.notUpdated.push({ attributeName: iri, reason });
    return;
  }
  if (next.length === 0) delete o.attrs[iri];
  else o.attrs[iri] = next;
  o.updated.push(iri);
}

function finish(existing: StoredEntity, o: Outcome, now: string): AppendResult {
  const entity = { ...existing, attrs: o.attrs, modifiedAt: o.updated.length > 0 ? now : existing.modifiedAt };
  return { entity, updated: o.updated, notUpdated: o.notUpdated };
}

/**
 * Appends attributes (POST /entities/{id}/attrs): new ones are added; existing instances with the
 * same datasetId are replaced unless `noOverwrite`, in which case they are reported not updated.
 */
export function appendAttributes(existing: StoredEntity, changes: AttributeChanges, now: string, noOverwrite: boolean): AppendResult {
  const outcome = startOutcome(existing);
  const { attrs } = outcome;
  for (const [iri, incoming] of Object.entries(changes)) {
    if (incoming === null) continue;
    const current = attrs[iri] ?? [];
    let next = [...current];
    let changed = false;
    for (const inst of incoming) {
      const idx = next.findIndex((c) => sameDataset(c, inst));
      if (inst.delete) {
        if (idx >= 0 && !noOverwrite) {
          next.splice(idx, 1);
          changed = true;
        }
        continue;
      }
      if (idx >= 0 && noOverwrite) continue;
      if (idx >= 0) next[idx] = stamp(inst, now, next[idx]);
      else next = [...next, stamp(inst, now)];
      changed = true;
    }
    record(outcome, iri, changed ? next : undefined, 'attribute already exists and noOverwrite was requested');
  }
  return finish(existing, outcome, now);
}

/** Updates existing attributes only (PATCH /entities/{id}/attrs); the others are reported. */
export function updateAttributes(existing: StoredEntity, changes: AttributeChanges, now: string): AppendResult {
  const outcome = startOutcome(existing);
  const { attrs } = outcome;
  for (const [iri, incoming] of Object.entries(changes)) {
    const current = attrs[iri];
    if (current === undefined) {
      record(outcome, iri, undefined, 'the entity has no such attribute');
      continue;
    }
    if (incoming === null) {
      record(outcome, iri, [], '');
      continue;
    }
    const next = [...current];
    let changed = false;
    for (const inst of incoming) {
      const idx = next.findIndex((c) => sameDataset(c, inst));
      if (idx < 0) continue;
      if (inst.delete) next.splice(idx, 1);
      else next[idx] = stamp(inst, now, next[idx]);
      changed = true;
    }
    record(outcome, iri, changed ? next : undefined, 'the attribute has no instance with that datasetId');
  }
  return finish(existing, outcome, now);
}

/**
 * Merges a patch instance into an existing one: given members replace, sub-attributes merge, and
 * sub-attributes set to the NGSI-LD Null go. A patch without `type` keeps the current type; a
 * patch of another type replaces the instance (its value member differs).
 */
export function mergeInstance(current: Instance, patch: Instance, now: string): Instance {
  if (patch.type !== undefined && patch.type !== current.type) return stamp(patch, now, current);
  const out: Instance = { ...current, modifiedAt: now };
  for (const [key, v] of Object.entries(patch)) {
    if (key === 'createdAt' || key === 'modifiedAt' || key === 'delete') continue;
    if (key === 'type' && v === undefined) continue;
    if (INSTANCE_MEMBERS.has(key)) {
      out[key] = v;
      continue;
    }
    const sub = v as Instance;
    const curSub = current[key] as Instance | undefined;
    if (sub.delete) delete out[key];
    else out[key] = curSub !== undefined ? mergeInstance(curSub, sub, now) : stamp(sub, now);
  }
  return out;
}

/** Merge-patch (PATCH /entities/{id}, batch merge): add new, merge existing, delete nulls. */
export function mergeEntity(existing: StoredEntity, changes: AttributeChanges, now: string, scopes?: string[] | null): StoredEntity {
  const attrs: AttributeMap = { ...existing.attrs };
  for (const [iri, incoming] of Object.entries(changes)) {
    if (incoming === null) {
      delete attrs[iri];
      continue;
    }
    const next = [...(attrs[iri] ?? [])];
    for (const inst of incoming) {
      const idx = next.findIndex((c) => sameDataset(c, inst));
      if (inst.delete) {
        if (idx >= 0) next.splice(idx, 1);
      } else if (idx >= 0) {
        next[idx] = mergeInstance(next[idx]!, inst, now);
      } else {
        if (inst.type === undefined) throw missingValue(iri);
        next.push(stamp(inst, now));
      }
    }
    if (next.length === 0) delete attrs[iri];
    else attrs[iri] = next;
  }
  const out: StoredEntity = { ...existing, attrs, modifiedAt: now };
  if (scopes === null) delete out.scopes;
  else if (scopes !== undefined) out.scopes = scopes;
  return out;
}

/** Deletes an attribute, or one instance of it by datasetId, or all instances with deleteAll. */
export function deleteAttribute(existing: StoredEntity, iri: string, now: string, datasetId?: string, deleteAll = false): StoredEntity | undefined {
  const current = existing.attrs[iri];
  if (current === undefined) return undefined;
  const attrs: AttributeMap = { ...existing.attrs };
  if (deleteAll) {
    delete attrs[iri];
  } else {
    const next = current.filter((c) => (c.datasetId ?? undefined) !== datasetId);
    if (next.length === current.length) return undefined;
    if (next.length === 0) delete attrs[iri];
    else attrs[iri] = next;
  }
  return { ...existing, attrs, modifiedAt: now };
}
