import { parseScopeQ } from '../../../src/context-broker/query/parse-scope.js';
import { Q_LIMITS } from '../../../src/context-broker/query/ast.js';
import type { ScopeNode } from '../../../src/context-broker/query/ast.js';

function ok(text: string): ScopeNode {
  const r = parseScopeQ(text);
  if (!r.ok) throw new Error(`expected ${text} to parse, got: ${r.error}`);
  return r.value;
}

function error(text: string): string {
  const r = parseScopeQ(text);
  if (r.ok) throw new Error(`expected ${text} to fail, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const scope = (levels: string[], descendants = false): ScopeNode => ({ kind: 'scope', levels, descendants });

describe('parseScopeQ: scopes', () => {
  it('reads an exact scope as its levels', () => {
    expect(ok('/Madrid/Gardens')).toEqual(scope(['Madrid', 'Gardens']));
  });

  it('reads /# at the end as "this scope and everything below"', () => {
    expect(ok('/Madrid/#')).toEqual(scope(['Madrid'], true));
  });

  it('reads /# alone as "any scope"', () => {
    expect(ok('/#')).toEqual(scope([], true));
  });

  it('reads + as exactly one level, at the end or in the middle', () => {
    expect(ok('/Madrid/+')).toEqual(scope(['Madrid', '+']));
    expect(ok('/+/Gardens/#')).toEqual(scope(['+', 'Gardens'], true));
  });

  it('accepts a scope without the leading slash, letters of any script, digits and underscores', () => {
    expect(ok('Madrid/Gardens')).toEqual(scope(['Madrid', 'Gardens']));
    expect(ok('/豊能町/区_1')).toEqual(scope(['豊能町', '区_1']));
  });
});

describe('parseScopeQ: logic', () => {
  it('reads ; as AND, and both , and | as OR, with AND binding tighter', () => {
    expect(ok('/a;/b,/c|/d')).toEqual({
      kind: 'or',
      operands: [{ kind: 'and', operands: [scope(['a']), scope(['b'])] }, scope(['c']), scope(['d'])],
    });
  });

  it('lets parentheses override precedence', () => {
    expect(ok('/a;(/b|/c)')).toEqual({
      kind: 'and',
      operands: [scope(['a']), { kind: 'or', operands: [scope(['b']), scope(['c'])] }],
    });
  });
});

describe('parseScopeQ: malformed input is rejected with its position', () => {
  it.each([
    ['', 'scopeQ: the scope query is empty'],
    ['/', "scopeQ: expected a scope level (letters, digits, '_' or '+') at position 1, found end of query"],
    ['/a/', "scopeQ: expected a scope level (letters, digits, '_' or '+') at position 3, found end of query"],
    ['/a//b', "scopeQ: expected a scope level (letters, digits, '_' or '+') at position 3, found '/'"],
    ['/a/#/b', "scopeQ: unexpected '/' in the scope starting at position 0 (position 4)"],
    ['/#a', "scopeQ: unexpected 'a' in the scope starting at position 0 (position 2)"],
    ['/a#', "scopeQ: unexpected '#' in the scope starting at position 0 (position 2)"],
    ['#', "scopeQ: expected a scope level (letters, digits, '_' or '+') at position 0, found '#' ('#' may only end a scope, as in '/Madrid/#')"],
    ['/a+', "scopeQ: unexpected '+' in the scope starting at position 0 (position 2)"],
    ['/a b', 'scopeQ: unexpected whitespace in the scope starting at position 0 (position 2)'],
    ['/a-b', "scopeQ: unexpected '-' in the scope starting at position 0 (position 2)"],
    ['/a;;/b', "scopeQ: expected a scope level (letters, digits, '_' or '+') at position 3, found ';'"],
    ['(/a', "scopeQ: unbalanced parentheses: '(' at position 0 is never closed"],
    ['/a)', "scopeQ: unbalanced parentheses: unexpected ')' at position 2"],
  ])('rejects %j', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it(`rejects more than ${Q_LIMITS.maxTerms} scopes and more than ${Q_LIMITS.maxDepth} nested parentheses`, () => {
    const many = Array.from({ length: Q_LIMITS.maxTerms + 1 }, (_, i) => `/s${i}`).join(',');
    expect(error(many)).toBe(`scopeQ: the scope query has more than ${Q_LIMITS.maxTerms} scopes`);
    const deep = `${'('.repeat(Q_LIMITS.maxDepth + 1)}/a${')'.repeat(Q_LIMITS.maxDepth + 1)}`;
    expect(error(deep)).toBe(`scopeQ: parentheses are nested more than ${Q_LIMITS.maxDepth} levels deep at position ${Q_LIMITS.maxDepth}`);
  });
});
