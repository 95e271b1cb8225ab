/** Schema of the entity store (numbered; never edit a released migration, add a new one). */
import type { Migration } from '../../core/index.js';

export const entityStoreMigrations: Migration[] = [
  {
    module: 'context-broker',
    version: 1,
    name: 'entity table with hot columns and indexes',
    sql: `
CREATE TABLE tenant (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE TABLE entity (
  tenant text NOT NULL,
  id text NOT NULL,
  types text[] NOT NULL,
  scopes text[],
  location geometry(Geometry, 4326),
  observation_space geometry(Geometry, 4326),
  operation_space geometry(Geometry, 4326),
  created_at timestamptz NOT NULL,
  modified_at timestamptz NOT NULL,
  attrs jsonb NOT NULL,
  PRIMARY KEY (tenant, id)
)
;
CREATE INDEX entity_types_idx ON entity USING gin (types)
;
CREATE INDEX entity_location_idx ON entity USING gist (location)
;
CREATE INDEX entity_location_geog_idx ON entity USING gist ((location::geography))
;
CREATE INDEX entity_modified_idx ON entity (tenant, modified_at)
`,
  },
  {
    module: 'context-broker',
    version: 2,
    name: 'data class per entity type, with its change log',
    sql: `
CREATE TABLE entity_type_class (
  tenant text NOT NULL,
  type text NOT NULL,
  data_class text NOT NULL CHECK (data_class IN ('open', 'limited', 'personal')),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant, type)
)
;
CREATE TABLE entity_type_class_change (
  seq bigserial PRIMARY KEY,
  tenant text NOT NULL,
  type text NOT NULL,
  from_class text NOT NULL,
  to_class text NOT NULL,
  reason text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
)
`,
  },
  {
    module: 'context-broker',
    version: 3,
    name: 'drop the unused modified_at index and leave room on pages, so updates can be HOT',
    sql: `
DROP INDEX IF EXISTS entity_modified_idx
;
ALTER TABLE entity SET (fillfactor = 85)
`,
  },
];
