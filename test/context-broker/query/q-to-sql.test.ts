import { parseQ } from '../../../src/context-broker/query/parse-q.js';
import { parseScopeQ } from '../../../src/context-broker/query/parse-scope.js';
import { qToSql } from '../../../src/context-broker/query/q-to-sql.js';
import { scopeToSql } from '../../../src/context-broker/query/scope-to-sql.js';
import { SqlParams } from '../../../src/core/db/sql-params.js';

const NS = 'https://example.org/ns/';
const resolver = { expandAttr: (name: string) => (name.includes(':') ? name : NS + name) };

function q(text: string, params = new SqlParams()): { sql: string; values: unknown[] } {
  const parsed = parseQ(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return { sql: qToSql(parsed.value, { attrsColumn: 'e.attrs', resolver, params }), values: params.values };
}

function scope(text: string, params = new SqlParams()): { sql: string; values: unknown[] } {
  const parsed = parseScopeQ(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return { sql: scopeToSql(parsed.value, { scopesColumn: 'e.scopes', params }), values: params.values };
}

describe('qToSql', () => {
  it('tests a bare attribute with the jsonb key operator and the expanded IRI as a parameter', () => {
    expect(q('temperature')).toEqual({ sql: '(e.attrs ? $1)', values: [`${NS}temperature`] });
    expect(q('!temperature')).toEqual({ sql: '(NOT (e.attrs ? $1))', values: [`${NS}temperature`] });
  });

  it('tests a sub-attribute or member path with a JSON path passed as a parameter', () => {
    expect(q('temperature.accuracy')).toEqual({
      sql: '(e.attrs ? $1 AND jsonb_path_exists(e.attrs, $2::jsonpath))',
      values: [`${NS}temperature`, `$."${NS}temperature"."${NS}accuracy"`],
    });
    expect(q('temperature.observedAt').values[1]).toBe(`$."${NS}temperature"."observedAt"`);
  });

  it('evaluates a comparison with jsonb_path_exists, the path and the value each as a parameter', () => {
    const { sql, values } = q('temperature>20');
    expect(sql).toBe('(e.attrs ? $1 AND jsonb_path_exists(e.attrs, $2::jsonpath, $3::jsonb, true))');
    expect(values[0]).toBe(`${NS}temperature`);
    expect(values[1]).toBe(
      `$."${NS}temperature" ? (exists(@.value[*] ? (@ > $v0)) || exists(@.languageMap.*[*] ? (@ > $v0)) || ` +
        'exists(@.valueList[*] ? (@ > $v0)) || exists(@.json[*] ? (@ > $v0)))',
    );
    expect(JSON.parse(values[2] as string)).toEqual({ v0: 20 });
  });

  it('compares == against Relationship objects and expanded VocabProperty values too', () => {
    const { values } = q('category=="Male"');
    expect(values[1]).toContain('exists(@.object[*] ? (@ == $v0))');
    expect(values[1]).toContain('exists(@.objectList[*] ? (@ == $v0))');
    expect(values[1]).toContain('exists(@.vocab[*] ? (@ == $v1))');
    expect(JSON.parse(values[2] as string)).toEqual({ v0: 'Male', v1: `${NS}Male` });
  });

  it('keeps Relationship objects out of ordering comparisons', () => {
    expect(q('refDevice>"urn:a"').values[1]).not.toContain('object');
  });

  it('expresses != as "has a target value and none of them equals"', () => {
    const { values } = q('status!="on","off"');
    expect(values[1]).toMatch(/^\$ \? \(exists\(@\."[^"]+status" \? \(exists\(@\.value\[\*\]\) \|\| .*\)\) && !\(exists\(/);
    expect(JSON.parse(values[2] as string)).toEqual({ v0: 'on', v1: 'off', v2: `${NS}on`, v3: `${NS}off` });
  });

  it('tests each array element against both bounds of a range', () => {
    expect(q('a==1..5').values[1]).toContain('exists(@.value[*] ? (@ >= $v0 && @ <= $v1))');
  });

  it('compares date-times as strings in the stored UTC form (PostgreSQL 15 cannot parse Z with .datetime())', () => {
    const { sql, values } = q('a.observedAt>=2018-12-04T09:00:00+09:00');
    expect(sql).toContain('jsonb_path_exists(e.attrs, $2::jsonpath, $3::jsonb, true)');
    expect(values[1]).toBe(`$."${NS}a" ? (exists(@."observedAt" ? (@ >= $v0)))`);
    expect(JSON.parse(values[2] as string)).toEqual({ v0: '2018-12-04T00:00:00.000Z' });
    expect(q('a>2018-12-04T00:00:00Z').values[1]).toContain('exists(@.value."@value"[*]');
  });

  it('enters the value, json and languageMap of the target for a [..] path, keys unexpanded', () => {
    expect(q('address[geo.lat]>50').values[1]).toBe(
      `$."${NS}address" ? (exists(@.value."geo"."lat"[*] ? (@ > $v0)) || exists(@.json."geo"."lat"[*] ? (@ > $v0)))`,
    );
    expect(q('name[en]=="x"').values[1]).toContain('exists(@.languageMap."en"[*] ? (@ == $v0))');
    expect(q('name[*]=="x"').values[1]).toContain('exists(@.languageMap.*[*] ? (@ == $v0))');
  });

  it('evaluates a pattern with SQL ~ over the string target values, the regex as a parameter', () => {
    const { sql, values } = q('name~="^Ma"');
    expect(sql).toBe(
      "(e.attrs ? $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS q_path(p), jsonb_path_query(e.attrs, q_path.p::jsonpath, '{}'::jsonb, true) AS q_val(v) " +
        "WHERE jsonb_typeof(q_val.v) = 'string' AND (q_val.v #>> '{}') ~ $3))",
    );
    expect(values[1]).toEqual([`$."${NS}name".value[*]`, `$."${NS}name".languageMap.*[*]`, `$."${NS}name".valueList[*]`, `$."${NS}name".json[*]`]);
    expect(values[2]).toBe('^Ma');
    expect(q('name!~="^Ma"').sql).toContain('COALESCE((SELECT bool_and(NOT ((q_val.v #>> \'{}\') ~ $3))');
  });

  it('escapes quotes, backslashes and control characters of IRIs inside JSON path keys', () => {
    const odd = { expandAttr: () => 'http://x/a"b\\c\u0001' };
    const params = new SqlParams();
    const parsed = parseQ('a==1');
    if (!parsed.ok) throw new Error(parsed.error);
    qToSql(parsed.value, { attrsColumn: 'attrs', resolver: odd, params });
    expect(params.values[1]).toMatch(/^\$\."http:\/\/x\/a\\"b\\\\c\\u0001" \?/);
  });

  it('combines terms with AND / OR in parentheses and keeps numbering after existing parameters', () => {
    const { sql, values } = q('a;b|c', new SqlParams(['tenant']));
    expect(sql).toBe('(((e.attrs ? $2) AND (e.attrs ? $3)) OR (e.attrs ? $4))');
    expect(values).toEqual(['tenant', `${NS}a`, `${NS}b`, `${NS}c`]);
  });

  it('never puts a user value into the SQL text', () => {
    const hostile = [`name=="x' OR 1=1 --"`, 'name=="\\") || true || (\\""', `name~="'; DROP TABLE entity; --"`, `name=="$$; SELECT 1"`];
    for (const text of hostile) {
      const { sql } = q(text);
      expect(sql).not.toMatch(/OR 1=1|DROP|\|\| true|SELECT 1"/);
      expect(sql.replace(/'\{\}'|'string'/g, '')).not.toContain("'");
    }
  });
});

describe('scopeToSql', () => {
  it('matches an exact scope by array overlap, with and without the leading slash', () => {
    expect(scope('/Madrid/Gardens')).toEqual({
      sql: 'COALESCE(e.scopes && $1::text[], false)',
      values: [['/Madrid/Gardens', 'Madrid/Gardens']],
    });
  });

  it('matches # and + with an anchored regex parameter', () => {
    expect(scope('/Madrid/#')).toEqual({
      sql: 'EXISTS (SELECT 1 FROM unnest(e.scopes) AS q_scope(s) WHERE q_scope.s ~ $1)',
      values: ['^/?Madrid(/[^/]+)*$'],
    });
    expect(scope('/Madrid/+/Retiro').values).toEqual(['^/?Madrid/[^/]+/Retiro$']);
  });

  it('matches /# as "has any scope"', () => {
    expect(scope('/#')).toEqual({ sql: 'COALESCE(cardinality(e.scopes) > 0, false)', values: [] });
  });

  it('combines scopes with AND / OR', () => {
    expect(scope('/a;/b,/c').sql).toBe(
      '((COALESCE(e.scopes && $1::text[], false) AND COALESCE(e.scopes && $2::text[], false)) OR COALESCE(e.scopes && $3::text[], false))',
    );
  });
});
