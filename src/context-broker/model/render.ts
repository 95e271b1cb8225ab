/**
 * Renders stored entities for a response (clause 4.5): normalized, concise or keyValues, names
 * compacted with the request's @context, system attributes on request, `lang` applied, and the
 * attribute projection (attrs / pick / omit) honoured.
 */
import { CORE, INSTANCE_MEMBERS, VALUE_MEMBER, type Instance, type StoredEntity } from './entity.js';
import type { Terms } from './terms.js';

export type Format = 'normalized' | 'concise' | 'keyValues';

export interface RenderOptions {
  format: Format;
  sysAttrs: boolean;
  /** Preferred language for LanguageProperty (BCP 47 or `*`). */
  lang?: string;
  /** Only these attributes (expanded IRIs); undefined keeps all. */
  keepAttrs?: ReadonlySet<string>;
  /** Drop these attributes (expanded IRIs). */
  omitAttrs?: ReadonlySet<string>;
  /** pick/omit may also name id and type. */
  keepId?: boolean;
  keepType?: boolean;
}

type Json = Record<string, unknown>;

const compactList = (v: string | string[], terms: Terms) => (Array.isArray(v) ? v.map((x) => terms.compactIri(x)) : terms.compactIri(v));

function pickLanguage(map: Record<string, string | string[]>, lang: string): { value: string | string[]; lang: string } | undefined {
  const keys = Object.keys(map);
  if (keys.length === 0) return undefined;
  const wanted = lang.split(',').map((l) => l.split(';')[0]!.trim()).filter(Boolean);
  for (const w of wanted) {
    if (w === '*') return { value: map[keys[0]!]!, lang: keys[0]! };
    const exact = keys.find((k) => k.toLowerCase() === w.toLowerCase());
    if (exact) return { value: map[exact]!, lang: exact };
    const prefix = keys.find((k) => k.toLowerCase().startsWith(w.toLowerCase() + '-') || w.toLowerCase().startsWith(k.toLowerCase() + '-'));
    if (prefix) return { value: map[prefix]!, lang: prefix };
  }
  const fallback = map['@none'] !== undefined ? '@none' : keys[0]!;
  return { value: map[fallback]!, lang: fallback };
}

/** The plain value of an instance, as keyValues shows it. */
function simpleValue(inst: Instance, terms: Terms, lang: string | undefined): unknown {
  switch (inst.type) {
    case 'Relationship':
      return inst.object;
    case 'ListRelationship':
      return inst.objectList;
    case 'LanguageProperty': {
      if (lang && inst.languageMap) return pickLanguage(inst.languageMap, lang)?.value;
      return { languageMap: inst.languageMap };
    }
    case 'VocabProperty':
      return inst.vocab === undefined ? undefined : { vocab: compactList(inst.vocab, terms) };
    case 'JsonProperty':
      return { json: inst.json };
    case 'ListProperty':
      return inst.valueList;
    default:
      return inst.value;
  }
}

function renderInstance(inst: Instance, terms: Terms, o: RenderOptions, concise: boolean): unknown {
  const out: Json = {};
  let type: string = inst.type;
  const valueKey = VALUE_MEMBER[inst.type];
  if (inst.type === 'LanguageProperty' && o.lang) {
    const picked = inst.languageMap ? pickLanguage(inst.languageMap, o.lang) : undefined;
    type = 'Property';
    out['value'] = picked?.value;
    if (picked) out['lang'] = picked.lang;
  } else if (inst.type === 'VocabProperty' && inst.vocab !== undefined) {
    out['vocab'] = compactList(inst.vocab, terms);
  } else if (inst.type === 'ListRelationship' && inst.objectList !== undefined) {
    // Normalized and concise list each item as {"object": URI} (clause 4.5.22); keyValues gives plain URIs.
    out['objectList'] = inst.objectList.map((object) => ({ object }));
  } else {
    out[valueKey] = inst[valueKey];
  }
  if (inst.objectType !== undefined) out['objectType'] = compactList(inst.objectType, terms);
  if (inst.datasetId !== undefined) out['datasetId'] = inst.datasetId;
  if (inst.observedAt !== undefined) out['observedAt'] = inst.observedAt;
  if (inst.unitCode !== undefined) out['unitCode'] = inst.unitCode;
  if (o.sysAttrs) {
    if (inst.createdAt !== undefined) out['createdAt'] = inst.createdAt;
    if (inst.modifiedAt !== undefined) out['modifiedAt'] = inst.modifiedAt;
  }
  let hasSub = false;
  for (const key of Object.keys(inst)) {
    if (INSTANCE_MEMBERS.has(key)) continue;
    hasSub = true;
    out[terms.compactIri(key)] = renderInstance(inst[key] as Instance, terms, o, concise);
  }
  if (!concise) return { type, ...out };
  // Concise (clause 4.5.3): drop "type"; a Property or GeoProperty with nothing else is its bare value,
  // unless that value is an object or array of objects, which would be ambiguous.
  const onlyValue = Object.keys(out).length === 1 && !hasSub;
  if (onlyValue && (type === 'Property' || type === 'GeoProperty')) {
    const v = out['value'];
    const ambiguous =
      type === 'Property' && ((typeof v === 'object' && v !== null && !Array.isArray(v)) || (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)));
    if (!ambiguous) return v;
  }
  if (type === 'Property' && out['lang'] !== undefined) return out;
  return out;
}

/** Renders one stored entity in the requested format. */
export function renderEntity(e: StoredEntity, terms: Terms, o: RenderOptions): Json {
  const out: Json = {};
  if (o.keepId !== false) out['id'] = e.id;
  if (o.keepType !== false) {
    const types = e.types.map((t) => terms.compactIri(t));
    out['type'] = types.length === 1 ? types[0] : types;
  }
  if (e.scopes && e.scopes.length > 0 && (!o.keepAttrs || o.keepAttrs.has('https://uri.etsi.org/ngsi-ld/scope'))) {
    out['scope'] = e.scopes.length === 1 ? e.scopes[0] : e.scopes;
  }
  for (const [iri, instances] of Object.entries(e.attrs)) {
    if (o.keepAttrs && !o.keepAttrs.has(iri)) continue;
    if (o.omitAttrs && o.omitAttrs.has(iri)) continue;
    const name = terms.compactIri(iri);
    if (o.format === 'keyValues') {
      const inst = instances.find((i) => i.datasetId === undefined) ?? instances[0];
      if (inst) out[name] = simpleValue(inst, terms, o.lang);
      continue;
    }
    const rendered = instances.map((i) => renderInstance(i, terms, o, o.format === 'concise'));
    out[name] = rendered.length === 1 ? rendered[0] : rendered;
  }
  if (o.sysAttrs && o.format !== 'keyValues') {
    out['createdAt'] = e.createdAt;
    out['modifiedAt'] = e.modifiedAt;
  }
  return out;
}

/** Renders an entity as a GeoJSON Feature (clause 6.3.15) using the given GeoProperty. */
export function renderFeature(e: StoredEntity, terms: Terms, o: RenderOptions, geoproperty: string = CORE.location): Json {
  const body = renderEntity(e, terms, o);
  const { id, ...properties } = body;
  const geo = e.attrs[geoproperty];
  const inst = geo?.find((i) => i.datasetId === undefined) ?? geo?.[0];
  return {
    id,
    type: 'Feature',
    geometry: inst && inst.type === 'GeoProperty' ? inst.value : null,
    properties,
  };
}
