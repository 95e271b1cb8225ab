import { parseQ } from '../../../src/context-broker/query/parse-q.js';
import { Q_LIMITS } from '../../../src/context-broker/query/ast.js';
import type { AttrPath, QNode } from '../../../src/context-broker/query/ast.js';

function ok(text: string): QNode {
  const r = parseQ(text);
  if (!r.ok) throw new Error(`expected ${text} to parse, got: ${r.error}`);
  return r.value;
}

function error(text: string): string {
  const r = parseQ(text);
  if (r.ok) throw new Error(`expected ${text} to fail, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const path = (attr: string, extra: Partial<AttrPath> = {}): AttrPath => ({
  attr,
  subAttrs: [],
  jsonKeys: [],
  text: attr,
  ...extra,
});

describe('parseQ: query terms', () => {
  it('reads a bare attribute as an existence test and !attribute as non-existence', () => {
    expect(ok('temperature')).toEqual({ kind: 'exists', path: path('temperature') });
    expect(ok('!temperature')).toEqual({ kind: 'notExists', path: path('temperature') });
  });

  it.each(['==', '!=', '>', '>=', '<', '<='] as const)('reads the comparison operator %s', (op) => {
    expect(ok(`speed${op}50`)).toEqual({
      kind: 'compare',
      path: path('speed'),
      op,
      value: { kind: 'single', value: { type: 'number', value: 50 } },
    });
  });

  it('reads ~= and !~= as patterns, with quoted or unquoted regular expressions', () => {
    expect(ok('name~="^Ma.*d$"')).toEqual({ kind: 'pattern', path: path('name'), negated: false, regex: '^Ma.*d$' });
    expect(ok('name!~=(?i)^ma(d|r)')).toEqual({ kind: 'pattern', path: path('name'), negated: true, regex: '(?i)^ma(d|r)' });
  });

  it('keeps regex backslashes in quoted patterns, so \\d needs no doubling, and unescapes \\"', () => {
    expect(ok('code~="\\d+\\"x"')).toMatchObject({ regex: '\\d+"x' });
  });

  it('ends an unquoted regex at a top-level ; or | but not inside its own groups or classes', () => {
    expect(ok('a~=x(1|2)[;|];b')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'pattern', path: path('a'), negated: false, regex: 'x(1|2)[;|]' },
        { kind: 'exists', path: path('b') },
      ],
    });
  });
});

describe('parseQ: values', () => {
  const single = (text: string) => (ok(text) as { value: unknown }).value;

  it('types numbers, quoted strings and booleans', () => {
    expect(single('a==-1.5e3')).toEqual({ kind: 'single', value: { type: 'number', value: -1500 } });
    expect(single('a=="5"')).toEqual({ kind: 'single', value: { type: 'string', value: '5' } });
    expect(single('a==true')).toEqual({ kind: 'single', value: { type: 'boolean', value: true } });
    expect(single('a=="true"')).toEqual({ kind: 'single', value: { type: 'string', value: 'true' } });
  });

  it('decodes JSON escapes inside quoted strings', () => {
    expect(single('a=="say \\"hi\\" \\u00e9\\n"')).toEqual({ kind: 'single', value: { type: 'string', value: 'say "hi" é\n' } });
  });

  it('keeps separators and operators inside quoted strings', () => {
    expect(single('a=="x;y|z),1..2==3"')).toEqual({ kind: 'single', value: { type: 'string', value: 'x;y|z),1..2==3' } });
  });

  it('reads unquoted date-times, dates and times, normalising missing seconds and offsets to UTC', () => {
    expect(single('a==2018-12-04T12:00:00Z')).toEqual({ kind: 'single', value: { type: 'dateTime', value: '2018-12-04T12:00:00Z' } });
    expect(single('a==2018-12-04T12:00')).toEqual({ kind: 'single', value: { type: 'dateTime', value: '2018-12-04T12:00:00Z' } });
    expect(single('a==2018-12-04T12:00:00.5+0900')).toEqual({
      kind: 'single',
      value: { type: 'dateTime', value: '2018-12-04T12:00:00.5+09:00' },
    });
    expect(single('a==2018-12-04')).toEqual({ kind: 'single', value: { type: 'date', value: '2018-12-04' } });
    expect(single('a==12:30')).toEqual({ kind: 'single', value: { type: 'time', value: '12:30:00Z' } });
  });

  it('reads a quoted date-time as a plain string', () => {
    expect(single('a=="2018-12-04T12:00:00Z"')).toEqual({ kind: 'single', value: { type: 'string', value: '2018-12-04T12:00:00Z' } });
  });

  it('reads unquoted URIs and plain words as strings', () => {
    expect(single('a==urn:ngsi-ld:Device:1')).toEqual({ kind: 'single', value: { type: 'string', value: 'urn:ngsi-ld:Device:1' } });
    expect(single('a==https://example.org/a?b=c')).toEqual({ kind: 'single', value: { type: 'string', value: 'https://example.org/a?b=c' } });
    expect(single('a==active')).toEqual({ kind: 'single', value: { type: 'string', value: 'active' } });
  });

  it('reads ranges with == and !=', () => {
    expect(single('a==1..5')).toEqual({ kind: 'range', low: { type: 'number', value: 1 }, high: { type: 'number', value: 5 } });
    expect(single('a!=1.5..2.5')).toEqual({ kind: 'range', low: { type: 'number', value: 1.5 }, high: { type: 'number', value: 2.5 } });
    expect(single('a==2018-01-01T00:00:00Z..2018-02-01T00:00:00Z')).toMatchObject({ kind: 'range', low: { type: 'dateTime' } });
    expect(single('a=="a".."m"')).toEqual({ kind: 'range', low: { type: 'string', value: 'a' }, high: { type: 'string', value: 'm' } });
  });

  it('reads value lists of mixed types with == and !=', () => {
    expect(single('a==1,"two",true,urn:x:3')).toEqual({
      kind: 'list',
      values: [
        { type: 'number', value: 1 },
        { type: 'string', value: 'two' },
        { type: 'boolean', value: true },
        { type: 'string', value: 'urn:x:3' },
      ],
    });
  });
});

describe('parseQ: attribute paths', () => {
  const pathOf = (text: string) => (ok(text) as { path: AttrPath }).path;

  it('reads dotted sub-attributes', () => {
    expect(pathOf('temperature.accuracy.unit2==1')).toEqual({
      attr: 'temperature',
      subAttrs: ['accuracy', 'unit2'],
      jsonKeys: [],
      text: 'temperature.accuracy.unit2',
    });
  });

  it('reads a trailing core member such as observedAt or unitCode as the member, not a sub-attribute', () => {
    expect(pathOf('temperature.observedAt>=2017-12-24T12:00:00Z')).toEqual({
      attr: 'temperature',
      subAttrs: [],
      member: 'observedAt',
      jsonKeys: [],
      text: 'temperature.observedAt',
    });
    expect(pathOf('temperature.accuracy.unitCode=="CEL"')).toMatchObject({ subAttrs: ['accuracy'], member: 'unitCode' });
  });

  it('reads JSON keys in brackets, dotted or as several brackets', () => {
    expect(pathOf('address[city]=="Berlin"')).toEqual({ attr: 'address', subAttrs: [], jsonKeys: ['city'], text: 'address[city]' });
    expect(pathOf('sensor.rawdata[airquality.particulate]==40')).toMatchObject({ subAttrs: ['rawdata'], jsonKeys: ['airquality', 'particulate'] });
    expect(pathOf('address[geo][lat]>50')).toMatchObject({ jsonKeys: ['geo', 'lat'] });
    expect(pathOf('name[en]=="red"')).toMatchObject({ jsonKeys: ['en'] });
  });

  it('accepts prefixed (compact IRI) and non-ASCII attribute names', () => {
    expect(pathOf('schema:name=="x"').attr).toBe('schema:name');
    expect(pathOf('温度>20').attr).toBe('温度');
  });
});

describe('parseQ: logic', () => {
  const e = (attr: string): QNode => ({ kind: 'exists', path: path(attr) });

  it('binds ; (AND) tighter than | (OR)', () => {
    expect(ok('a|b;c')).toEqual({ kind: 'or', operands: [e('a'), { kind: 'and', operands: [e('b'), e('c')] }] });
    expect(ok('a;b|c')).toEqual({ kind: 'or', operands: [{ kind: 'and', operands: [e('a'), e('b')] }, e('c')] });
  });

  it('lets parentheses override precedence', () => {
    expect(ok('(a|b);c')).toEqual({ kind: 'and', operands: [{ kind: 'or', operands: [e('a'), e('b')] }, e('c')] });
  });

  it('flattens chains and redundant parentheses of the same operator', () => {
    expect(ok('a;(b;c);d')).toEqual({ kind: 'and', operands: [e('a'), e('b'), e('c'), e('d')] });
    expect(ok('((a))')).toEqual(e('a'));
  });
});

describe('parseQ: malformed input is rejected with its position', () => {
  it.each([
    ['', 'q: the query is empty'],
    ['temperature 20', "q: expected an operator after 'temperature' at position 11, found whitespace (allowed only inside quoted strings)"],
    ['temperature#20', "q: expected an operator after 'temperature' at position 11, found '#'"],
    ['a=5', "q: unknown operator '=' at position 1 (did you mean '=='?)"],
    ['a<>5', "q: unknown operator '<>' at position 1"],
    ['a===5', "q: unknown operator '===' at position 1"],
    ['a==', "q: expected a value after '==' at position 3, found end of query"],
    ['a==;b', "q: expected a value after '==' at position 3, found ';'"],
    ['(a==1', "q: unbalanced parentheses: '(' at position 0 is never closed"],
    ['a==1)', "q: unbalanced parentheses: unexpected ')' at position 4"],
    ['a;;b', "q: expected an attribute name at position 2, found ';' (empty operand?)"],
    ['a|', 'q: expected an attribute name at position 2, found end of query'],
    ['()', "q: expected an attribute name at position 1, found ')' (empty operand?)"],
    ['==5', "q: expected an attribute name at position 0, found '='"],
    ['a.', "q: expected an attribute name after '.' at position 2, found end of query"],
    ['1a==2', "q: expected an attribute name at position 0, found '1'"],
    ['a[]==1', "q: expected a key inside '[…]' at position 2, found ']'"],
    ['a[b==1', "q: missing ']' to close '[' at position 1, found '='"],
    ['a.observedAt[x]==1', "q: '[…]' cannot follow the core member 'observedAt' in 'a.observedAt[x]' at position 0"],
    ['a=="abc', 'q: unterminated string starting at position 3'],
    ['a=="a\\qb"', 'q: invalid escape or control character in string at position 5'],
    ['a=="x"y', "q: unexpected 'y' after the value of 'a' at position 6"],
    ['a==1 ', "q: unexpected whitespace (allowed only inside quoted strings) after the value of 'a' at position 4"],
    ['a==1x', 'q: cannot read the value \'1x\' at position 3 (quote strings with "…")'],
    ['a==2018-13-01', "q: invalid date '2018-13-01' at position 3"],
    ['a==25:00', "q: invalid time '25:00' at position 3"],
    ['a>1..5', "q: a range ('..') is only allowed with '==' or '!=', not '>' (position 3)"],
    ['a<=1,2', "q: a value list (',') is only allowed with '==' or '!=', not '<=' (position 4)"],
    ['a==1..', "q: expected a value after '==' at position 6, found end of query"],
    ['a==..5', "q: expected a value after '==' at position 3, found '.'"],
    ['a==1..true', 'q: a range bound must be a number, string, date or time, not true (position 6)'],
    ['a==1.."z"', 'q: both bounds of a range must have the same type (number .. string) at position 4'],
    ['a==1,2..3', 'q: a value list cannot contain a range at position 6'],
    ['a==1..2,3', 'q: a range cannot be combined with a value list at position 7'],
    ['!a==1', "q: '!' only tests that 'a' does not exist; to compare write 'a!=…' (position 2)"],
    ['!(a)', "q: expected an attribute name at position 1, found '('"],
    ['a~=', "q: expected a regular expression after '~=' at position 3, found end of query"],
    ['a~="(?<n>x)"', 'q: invalid regular expression at position 3: named groups are not supported'],
    ['a~="\\p{L}"', "q: invalid regular expression at position 3: the escape '\\p' is not supported"],
  ])('rejects %j', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('rejects regular expressions that do not compile, before they reach the database', () => {
    expect(error('a~="("')).toMatch(/^q: invalid regular expression at position 3: .*Unterminated group/);
    expect(error('a~="x{2,1}"')).toMatch(/^q: invalid regular expression at position 3: .*out of order/);
  });

  it('accepts the PostgreSQL embedded-options prefix (?i) that JavaScript lacks', () => {
    expect(ok('a~="(?i)abc"')).toMatchObject({ kind: 'pattern', regex: '(?i)abc' });
  });
});

describe('parseQ: complexity bounds', () => {
  it(`accepts ${Q_LIMITS.maxTerms} terms and rejects one more`, () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `a${i}==1`).join(';');
    expect(parseQ(terms(Q_LIMITS.maxTerms)).ok).toBe(true);
    expect(error(terms(Q_LIMITS.maxTerms + 1))).toBe(`q: the query has more than ${Q_LIMITS.maxTerms} terms`);
  });

  it(`accepts ${Q_LIMITS.maxDepth} nested parentheses and rejects one more`, () => {
    const nest = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(parseQ(nest(Q_LIMITS.maxDepth)).ok).toBe(true);
    expect(error(nest(Q_LIMITS.maxDepth + 1))).toBe(
      `q: parentheses are nested more than ${Q_LIMITS.maxDepth} levels deep at position ${Q_LIMITS.maxDepth}`,
    );
  });

  it('rejects a value list longer than the limit', () => {
    const list = Array.from({ length: Q_LIMITS.maxListValues + 1 }, (_, i) => i).join(',');
    expect(error(`a==${list}`)).toBe(`q: a value list has more than ${Q_LIMITS.maxListValues} values`);
  });

  it('rejects over-long regular expressions and queries', () => {
    expect(error(`a~="${'x'.repeat(Q_LIMITS.maxPatternLength + 1)}"`)).toBe(
      `q: the regular expression at position 3 is longer than ${Q_LIMITS.maxPatternLength} characters`,
    );
    expect(error('a'.repeat(Q_LIMITS.maxLength + 1))).toBe(`q: the query is longer than ${Q_LIMITS.maxLength} characters`);
  });

  it('never throws, whatever the input', () => {
    const samples = ['(((', ')))', '"', '\\', '!', '!!a', 'a[', 'a]', 'a..b', '~=', 'a~="', 'a==""', 'a==",', '\u0000', 'a==\u0000'];
    for (const s of samples) expect(() => parseQ(s)).not.toThrow();
  });
});
