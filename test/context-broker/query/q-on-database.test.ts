// Evaluates the generated SQL on a real (in-memory) PostgreSQL to prove the q / scopeQ semantics.
import { PGlite } from '@electric-sql/pglite';
import { parseQ } from '../../../src/context-broker/query/parse-q.js';
import { parseScopeQ } from '../../../src/context-broker/query/parse-scope.js';
import { qToSql } from '../../../src/context-broker/query/q-to-sql.js';
import { scopeToSql } from '../../../src/context-broker/query/scope-to-sql.js';
import { SqlParams } from '../../../src/core/db/sql-params.js';

const NS = 'https://example.org/ns/';
// An IRI with the characters a JSON path key must escape.
const ODD_IRI = 'https://example.org/ns/o"d\\d';
const resolver = {
  expandAttr: (name: string) => (name === 'odd' ? ODD_IRI : name.includes(':') ? name : NS + name),
};

const T = '2024-01-01T00:00:00Z';
const prop = (value: unknown, extra: Record<string, unknown> = {}) => ({ type: 'Property', value, createdAt: T, modifiedAt: T, ...extra });
const rel = (object: string | string[]) => ({ type: 'Relationship', object, createdAt: T, modifiedAt: T });
const attrs = (a: Record<string, unknown[]>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k === 'odd' ? ODD_IRI : NS + k, v]));

const ENTITIES: { id: string; scopes: string[] | null; attrs: Record<string, unknown> }[] = [
  {
    id: 'e1',
    scopes: ['/Madrid/Gardens', '/Spain'],
    attrs: attrs({
      temperature: [prop(21.5, { unitCode: 'CEL', observedAt: '2018-12-04T12:00:00Z', [`${NS}accuracy`]: prop(0.5) })],
      name: [prop('Madrid Garden')],
      status: [prop('active')],
      count: [prop('5')],
      address: [prop({ city: 'Berlin', geo: { lat: 52.5 } })],
      refDevice: [rel('urn:ngsi-ld:Device:1')],
    }),
  },
  {
    id: 'e2',
    scopes: ['/Madrid/Gardens/Retiro'],
    attrs: attrs({
      temperature: [prop(30, { observedAt: '2018-12-05T08:00:00.500Z' })],
      name: [{ type: 'LanguageProperty', languageMap: { en: 'Harbour', ja: '港' }, createdAt: T, modifiedAt: T }],
      status: [prop('inactive')],
      count: [prop(5)],
      tags: [prop(['red', 'blue'])],
      refDevice: [rel(['urn:ngsi-ld:Device:2', 'urn:ngsi-ld:Device:3'])],
      category: [{ type: 'VocabProperty', vocab: `${NS}Male`, createdAt: T, modifiedAt: T }],
    }),
  },
  {
    id: 'e3',
    scopes: ['/Tokyo'],
    attrs: attrs({
      temperature: [prop(10, { datasetId: 'urn:ds:a' }), prop(40, { datasetId: 'urn:ds:b' })],
      name: [prop('O\'Brien "quoted"')],
      status: [prop('maintenance')],
      flag: [prop(true)],
      readings: [{ type: 'ListProperty', valueList: [1, 2, 3], createdAt: T, modifiedAt: T }],
      config: [{ type: 'JsonProperty', json: { mode: 'eco', level: 3 }, createdAt: T, modifiedAt: T }],
      installed: [prop({ '@type': 'DateTime', '@value': '2020-01-01T00:00:00Z' })],
    }),
  },
  { id: 'e4', scopes: null, attrs: attrs({ status: [prop('active')] }) },
  { id: 'e5', scopes: [], attrs: attrs({ odd: [prop(1)], name: [prop('plain')] }) },
];

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec('CREATE TABLE entity (id text PRIMARY KEY, scopes text[], attrs jsonb NOT NULL)');
  for (const e of ENTITIES) {
    await db.query('INSERT INTO entity (id, scopes, attrs) VALUES ($1, $2, $3::jsonb)', [e.id, e.scopes, JSON.stringify(e.attrs)]);
  }
});

afterAll(async () => {
  await db.close();
});

/** Ids of the entities a q selects. */
async function q(text: string): Promise<string[]> {
  const parsed = parseQ(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const params = new SqlParams();
  const where = qToSql(parsed.value, { attrsColumn: 'e.attrs', resolver, params });
  const result = await db.query<{ id: string }>(`SELECT id FROM entity e WHERE ${where} ORDER BY id`, params.values);
  return result.rows.map((r) => r.id);
}

/** Ids of the entities a scopeQ selects. */
async function scopeQ(text: string): Promise<string[]> {
  const parsed = parseScopeQ(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const params = new SqlParams();
  const where = scopeToSql(parsed.value, { scopesColumn: 'e.scopes', params });
  const result = await db.query<{ id: string }>(`SELECT id FROM entity e WHERE ${where} ORDER BY id`, params.values);
  return result.rows.map((r) => r.id);
}

describe('q on the database: existence', () => {
  it('selects entities that have the attribute, or lack it with !', async () => {
    expect(await q('temperature')).toEqual(['e1', 'e2', 'e3']);
    expect(await q('!temperature')).toEqual(['e4', 'e5']);
  });

  it('tests sub-attributes, members and JSON keys for existence', async () => {
    expect(await q('temperature.accuracy')).toEqual(['e1']);
    expect(await q('temperature.observedAt')).toEqual(['e1', 'e2']);
    expect(await q('address[city]')).toEqual(['e1']);
    expect(await q('address[country]')).toEqual([]);
    expect(await q('!address[city]')).toEqual(['e2', 'e3', 'e4', 'e5']);
  });
});

describe('q on the database: comparisons', () => {
  it('compares numbers with every operator, any instance of a multi-attribute matching', async () => {
    expect(await q('temperature==21.5')).toEqual(['e1']);
    expect(await q('temperature>25')).toEqual(['e2', 'e3']);
    expect(await q('temperature>=30')).toEqual(['e2', 'e3']);
    expect(await q('temperature<20')).toEqual(['e3']);
    expect(await q('temperature<=21.5')).toEqual(['e1', 'e3']);
  });

  it('matches != only when the attribute exists and no instance equals', async () => {
    expect(await q('temperature!=21.5')).toEqual(['e2', 'e3']);
    expect(await q('temperature!=10')).toEqual(['e1', 'e2']);
  });

  it('keeps numbers and strings apart: 5 is not "5"', async () => {
    expect(await q('count==5')).toEqual(['e2']);
    expect(await q('count=="5"')).toEqual(['e1']);
    expect(await q('count>4')).toEqual(['e2']);
    expect(await q('count!=5')).toEqual(['e1']);
  });

  it('compares booleans', async () => {
    expect(await q('flag==true')).toEqual(['e3']);
    expect(await q('flag==false')).toEqual([]);
    expect(await q('flag=="true"')).toEqual([]);
  });

  it('compares strings, quoted or as a bare word', async () => {
    expect(await q('status=="active"')).toEqual(['e1', 'e4']);
    expect(await q('status==active')).toEqual(['e1', 'e4']);
    expect(await q('name=="O\'Brien \\"quoted\\""')).toEqual(['e3']);
  });

  it('matches a range inclusively on the same array element, and != range outside it', async () => {
    expect(await q('temperature==21.5..30')).toEqual(['e1', 'e2']);
    expect(await q('temperature==20..35')).toEqual(['e1', 'e2']);
    expect(await q('temperature!=20..35')).toEqual(['e3']);
    expect(await q('status=="a".."j"')).toEqual(['e1', 'e2', 'e4']);
  });

  it('matches a value list as "any of" and != list as "none of"', async () => {
    expect(await q('status=="active","inactive"')).toEqual(['e1', 'e2', 'e4']);
    expect(await q('status!="active","inactive"')).toEqual(['e3']);
    expect(await q('temperature==1,40')).toEqual(['e3']);
  });

  it('matches an array value when any element matches', async () => {
    expect(await q('tags=="red"')).toEqual(['e2']);
    expect(await q('tags!="red"')).toEqual([]);
    expect(await q('tags!="green"')).toEqual(['e2']);
    expect(await q('readings==2')).toEqual(['e3']);
  });
});

describe('q on the database: sub-attributes, members and JSON paths', () => {
  it('compares a sub-attribute value', async () => {
    expect(await q('temperature.accuracy==0.5')).toEqual(['e1']);
    expect(await q('temperature.accuracy>1')).toEqual([]);
  });

  it('compares observedAt temporally, whatever the fraction digits', async () => {
    expect(await q('temperature.observedAt>=2018-12-05T00:00:00Z')).toEqual(['e2']);
    expect(await q('temperature.observedAt==2018-12-05T08:00:00.5Z')).toEqual(['e2']);
    expect(await q('temperature.observedAt>2018-12-05T08:00:00Z')).toEqual(['e2']);
    expect(await q('temperature.observedAt<2018-12-05')).toEqual(['e1']);
    expect(await q('temperature.observedAt==2018-12-04T00:00:00Z..2018-12-04T23:59:59Z')).toEqual(['e1']);
  });

  it('compares unitCode', async () => {
    expect(await q('temperature.unitCode=="CEL"')).toEqual(['e1']);
  });

  it('compares a date-time sent in its expanded {"@value"} form', async () => {
    expect(await q('installed>2019-01-01T00:00:00Z')).toEqual(['e3']);
  });

  it('enters compound values with [..] paths', async () => {
    expect(await q('address[city]=="Berlin"')).toEqual(['e1']);
    expect(await q('address[geo][lat]>50')).toEqual(['e1']);
    expect(await q('address[geo.lat]==52.5')).toEqual(['e1']);
    expect(await q('config[mode]=="eco"')).toEqual(['e3']);
  });
});

describe('q on the database: Relationship, LanguageProperty and VocabProperty', () => {
  it('compares a Relationship object, single or array, quoted or not', async () => {
    expect(await q('refDevice=="urn:ngsi-ld:Device:1"')).toEqual(['e1']);
    expect(await q('refDevice==urn:ngsi-ld:Device:3')).toEqual(['e2']);
    expect(await q('refDevice!=urn:ngsi-ld:Device:1')).toEqual(['e2']);
  });

  it('never matches a Relationship with an ordering operator or a pattern', async () => {
    expect(await q('refDevice>"urn:a"')).toEqual([]);
    expect(await q('refDevice~="Device"')).toEqual([]);
  });

  it('matches a LanguageProperty when any language matches, or the one named in brackets', async () => {
    expect(await q('name=="港"')).toEqual(['e2']);
    expect(await q('name[en]=="Harbour"')).toEqual(['e2']);
    expect(await q('name[ja]=="Harbour"')).toEqual([]);
    expect(await q('name[*]=="Harbour"')).toEqual(['e2']);
  });

  it('matches a VocabProperty by the query value expanded with the @context', async () => {
    expect(await q('category==Male')).toEqual(['e2']);
    expect(await q(`category=="${NS}Male"`)).toEqual(['e2']);
    expect(await q('category=="Female"')).toEqual([]);
  });
});

describe('q on the database: patterns', () => {
  it('matches string values, including languages of a LanguageProperty', async () => {
    expect(await q('name~="^Madrid"')).toEqual(['e1']);
    expect(await q('name~="(?i)harbour"')).toEqual(['e2']);
    expect(await q('name~=Gard')).toEqual(['e1']);
    expect(await q('tags~="^bl"')).toEqual(['e2']);
  });

  it('matches !~= on entities whose string values all miss the pattern', async () => {
    expect(await q('name!~="^Madrid"')).toEqual(['e2', 'e3', 'e5']);
    expect(await q('tags!~="^r"')).toEqual([]);
  });

  it('never matches a non-string value with either pattern operator', async () => {
    expect(await q('temperature~="1"')).toEqual([]);
    expect(await q('temperature!~="1"')).toEqual([]);
  });

  it('accepts the regex escapes the parser lets through', async () => {
    expect(await q('name~="^\\w+\\s\\w+$"')).toEqual(['e1']);
    expect(await q('count~="^\\d$"')).toEqual(['e1']);
  });
});

describe('q on the database: logic', () => {
  it('binds ; tighter than |', async () => {
    expect(await q('status=="active"|temperature>25;count==5')).toEqual(['e1', 'e2', 'e4']);
  });

  it('lets parentheses regroup', async () => {
    expect(await q('(status=="active"|temperature>25);count==5')).toEqual(['e2']);
    expect(await q('!temperature;(status|odd)')).toEqual(['e4', 'e5']);
  });
});

describe('q on the database: hostile input', () => {
  it('treats SQL and JSON path injection attempts as plain values that match nothing', async () => {
    expect(await q(`name=="x' OR 1=1 --"`)).toEqual([]);
    expect(await q('name=="\\") || true || (\\""')).toEqual([]);
    expect(await q('name=="$v0"')).toEqual([]);
    expect(await q(`name~="' OR 1=1 --"`)).toEqual([]);
    expect(await q(`name!="x' OR 1=1 --"`)).toEqual(['e1', 'e2', 'e3', 'e5']);
  });

  it('finds an attribute whose IRI holds quotes and backslashes', async () => {
    expect(await q('odd==1')).toEqual(['e5']);
    expect(await q('odd')).toEqual(['e5']);
  });
});

describe('scopeQ on the database', () => {
  it('matches an exact scope, with or without the leading slash', async () => {
    expect(await scopeQ('/Madrid/Gardens')).toEqual(['e1']);
    expect(await scopeQ('Madrid/Gardens')).toEqual(['e1']);
    expect(await scopeQ('/Madrid')).toEqual([]);
  });

  it('matches a scope and all its descendants with /#', async () => {
    expect(await scopeQ('/Madrid/#')).toEqual(['e1', 'e2']);
    expect(await scopeQ('/Madrid/Gardens/#')).toEqual(['e1', 'e2']);
    expect(await scopeQ('/Madri/#')).toEqual([]);
  });

  it('matches exactly one level with +', async () => {
    expect(await scopeQ('/Madrid/+')).toEqual(['e1']);
    expect(await scopeQ('/Madrid/+/Retiro')).toEqual(['e2']);
    expect(await scopeQ('/+')).toEqual(['e1', 'e3']);
  });

  it('matches any scoped entity with /#, never one without scopes', async () => {
    expect(await scopeQ('/#')).toEqual(['e1', 'e2', 'e3']);
  });

  it('combines scopes with ; (and), , and | (or)', async () => {
    expect(await scopeQ('/Madrid/Gardens;/Spain')).toEqual(['e1']);
    expect(await scopeQ('/Tokyo,/Spain')).toEqual(['e1', 'e3']);
    expect(await scopeQ('/Tokyo|/Madrid/+/Retiro')).toEqual(['e2', 'e3']);
    expect(await scopeQ('(/Tokyo|/Madrid/#);/Spain')).toEqual(['e1']);
  });
});
