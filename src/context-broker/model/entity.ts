/**
 * The broker's internal entity form, as stored: attribute and sub-attribute names and types are
 * expanded IRIs, NGSI-LD member keys (type, value, object, …) stay as their short names, and
 * Property values are opaque JSON kept as sent (see docs/decisions/0003-entity-storage-form.md).
 */
export const ATTRIBUTE_TYPES = [
  'Property',
  'Relationship',
  'GeoProperty',
  'LanguageProperty',
  'VocabProperty',
  'JsonProperty',
  'ListProperty',
  'ListRelationship',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** Member keys of an attribute instance that are not sub-attributes. */
export const INSTANCE_MEMBERS = new Set([
  'type',
  'value',
  'object',
  'objectType',
  'languageMap',
  'vocab',
  'json',
  'valueList',
  'objectList',
  'datasetId',
  'observedAt',
  'unitCode',
  'createdAt',
  'modifiedAt',
  'deletedAt',
  'instanceId',
  'delete',
]);

/** The member that carries the value for each attribute type. */
export const VALUE_MEMBER: Record<AttributeType, string> = {
  Property: 'value',
  Relationship: 'object',
  GeoProperty: 'value',
  LanguageProperty: 'languageMap',
  VocabProperty: 'vocab',
  JsonProperty: 'json',
  ListProperty: 'valueList',
  ListRelationship: 'objectList',
};

/** One instance of an attribute (one datasetId), or a sub-attribute. */
export interface Instance {
  type: AttributeType;
  value?: unknown;
  object?: string | string[];
  objectType?: string | string[];
  languageMap?: Record<string, string | string[]>;
  vocab?: string | string[];
  json?: unknown;
  valueList?: unknown[];
  objectList?: string[];
  datasetId?: string;
  observedAt?: string;
  unitCode?: string;
  createdAt?: string;
  modifiedAt?: string;
  /**
   * Only in parsed patch fragments, never stored: this instance (or sub-attribute) is to be deleted
   * (the NGSI-LD Null, clause 4.5.x), and `type` may be absent (keep the current one).
   */
  delete?: true;
  /** Sub-attributes, keyed by expanded IRI. */
  [subAttribute: string]: unknown;
}

/** Attribute IRI → its instances (more than one only with distinct datasetIds). */
export type AttributeMap = Record<string, Instance[]>;

export interface StoredEntity {
  id: string;
  /** Expanded type IRIs. */
  types: string[];
  scopes?: string[];
  attrs: AttributeMap;
  createdAt: string;
  modifiedAt: string;
}

/** IRIs of the core attributes the store keeps as geometry columns. */
export const CORE = {
  location: 'https://uri.etsi.org/ngsi-ld/location',
  observationSpace: 'https://uri.etsi.org/ngsi-ld/observationSpace',
  operationSpace: 'https://uri.etsi.org/ngsi-ld/operationSpace',
  default: 'https://uri.etsi.org/ngsi-ld/default-context/',
} as const;

/** Sub-attribute keys of an instance (everything that is not an NGSI-LD member). */
export function subAttributeKeys(instance: Instance): string[] {
  return Object.keys(instance).filter((k) => !INSTANCE_MEMBERS.has(k));
}
