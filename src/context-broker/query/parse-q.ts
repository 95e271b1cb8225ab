/**
 * Recursive-descent parser for the NGSI-LD query language `q` (ETSI GS CIM 009 v1.8.1, clause 4.9).
 * The text is already URL-decoded. Grammar (`;` binds tighter than `|`):
 *
 *   q      = or
 *   or     = and *( "|" and )
 *   and    = term *( ";" term )
 *   term   = "(" or ")" / "!" path / path [ op value ] / path pat regex
 *   path   = name *( "." name ) *( "[" key *( "." key ) "]" )   ; a.b.observedAt, address[city], a[geo][lat]
 *   name   = letter *( letter / digit / "_" / ":" / "-" )
 *   op     = "==" / "!=" / ">=" / ">" / "<=" / "<"
 *   pat    = "~=" / "!~="
 *   value  = item ".." item / item *( "," item )             ; ranges and lists only with == and !=
 *   item   = quoted / number / "true" / "false" / dateTime / date / time / URI / word
 *   regex  = quoted / raw                                   ; raw runs to a top-level ";", "|" or ")"
 *
 * `quoted` is a JSON string (RFC 8259 escapes); in a quoted regex only `\"` is an escape, other
 * backslashes stay for the regex. An unquoted `word` (letters, digits, `_-.`) is read as a string,
 * as lenient brokers do (`status==active`). Whitespace is allowed only inside quoted strings.
 * Positions in messages are 0-based character offsets.
 */
import { ATTRIBUTE_MEMBERS, Q_LIMITS } from './ast.js';
import type { AttrPath, AttributeMember, CompareOp, QNode, QScalar, QValue, Result } from './ast.js';

/** Internal: unwinds the descent at the first error; `parseQ` turns it into a Result. */
class QSyntaxError extends Error {}

const COMPARE_OPS = ['==', '!=', '>=', '<=', '>', '<'] as const;
const PATTERN_OPS = ['!~=', '~='] as const;
const OP_CHARS = '=!<>~';
const NAME_START = /\p{L}/u;
const NAME_CHAR = /[\p{L}\p{N}_:-]/u;
const KEY_STOP = '.[];|()"=!<>~';
const VALUE_STOP = ',;|)("';

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^(\d{2}):(\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{}|]+$/;
const WORD_RE = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;
const UNREADABLE = 'cannot read the value';
// POSIX-regex engines (PostgreSQL's included) accept embedded options only at the very start.
const EMBEDDED_OPTIONS_RE = /^\(\?[bceimnpqstwx]+\)/;
// JavaScript syntax that compiles here but that PostgreSQL's regex engine refuses: named groups.
const NAMED_GROUP_RE = /\(\?<[A-Za-z_]/;
// Letter escapes PostgreSQL's regex engine knows (JavaScript silently accepts any letter).
const POSIX_LETTER_ESCAPES = 'aAbBcdDefmMnrsStuUvwWxyYZ';

/** Parses a `q` text into its syntax tree, or explains the first error with its position. */
export function parseQ(text: string): Result<QNode> {
  if (text.length === 0) return { ok: false, error: 'q: the query is empty' };
  if (text.length > Q_LIMITS.maxLength) {
    return { ok: false, error: `q: the query is longer than ${Q_LIMITS.maxLength} characters` };
  }
  try {
    return { ok: true, value: new QParser(text).parseAll() };
  } catch (e) {
    if (e instanceof QSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}

class QParser {
  private pos = 0;
  private terms = 0;
  private depth = 0;

  constructor(private readonly s: string) {}

  parseAll(): QNode {
    const node = this.parseOr();
    if (this.pos < this.s.length) {
      // Every term stops only at ';', '|', ')' or the end, so what is left is a stray ')'.
      this.fail(`unbalanced parentheses: unexpected ')' at position ${this.pos}`);
    }
    return node;
  }

  private parseOr(): QNode {
    const operands = [this.parseAnd()];
    while (this.peek() === '|') {
      this.pos++;
      operands.push(this.parseAnd());
    }
    return combine('or', operands);
  }

  private parseAnd(): QNode {
    const operands = [this.parseTerm()];
    while (this.peek() === ';') {
      this.pos++;
      operands.push(this.parseTerm());
    }
    return combine('and', operands);
  }

  private parseTerm(): QNode {
    const c = this.peek();
    if (c === '(') {
      const open = this.pos++;
      if (++this.depth > Q_LIMITS.maxDepth) {
        this.fail(`parentheses are nested more than ${Q_LIMITS.maxDepth} levels deep at position ${open}`);
      }
      const inner = this.parseOr();
      if (this.peek() !== ')') this.fail(`unbalanced parentheses: '(' at position ${open} is never closed`);
      this.pos++;
      this.depth--;
      return inner;
    }
    if (c === '!' && !isOpChar(this.s[this.pos + 1])) {
      this.pos++;
      const path = this.parsePath();
      this.countTerm();
      if (this.atTermEnd()) return { kind: 'notExists', path };
      if (isOpChar(this.peek())) {
        this.fail(`'!' only tests that '${path.text}' does not exist; to compare write '${path.text}!=…' (position ${this.pos})`);
      }
      this.fail(`expected ';', '|' or ')' after '!${path.text}' at position ${this.pos}${this.found()}`);
    }
    const path = this.parsePath();
    this.countTerm();
    if (this.atTermEnd()) return { kind: 'exists', path };
    if (!isOpChar(this.peek())) {
      this.fail(`expected an operator after '${path.text}' at position ${this.pos}${this.found()}`);
    }
    const opPos = this.pos;
    const op = this.parseOperator();
    if (op === '~=' || op === '!~=') return { kind: 'pattern', path, negated: op === '!~=', regex: this.parseRegex(op) };
    const value = this.parseValue(op as CompareOp, opPos);
    if (!this.atTermEnd()) {
      this.fail(`unexpected ${this.describe(this.pos)} after the value of '${path.text}' at position ${this.pos}`);
    }
    return { kind: 'compare', path, op: op as CompareOp, value };
  }

  private parsePath(): AttrPath {
    const start = this.pos;
    const names = [this.parseName()];
    while (this.peek() === '.') {
      this.pos++;
      names.push(this.parseName());
    }
    const jsonKeys: string[] = [];
    while (this.peek() === '[') {
      const open = this.pos++;
      for (;;) {
        const keyStart = this.pos;
        while (this.pos < this.s.length && !KEY_STOP.includes(this.s[this.pos]!) && !/\s/.test(this.s[this.pos]!)) this.pos++;
        if (this.pos === keyStart) this.fail(`expected a key inside '[…]' at position ${this.pos}${this.found()}`);
        jsonKeys.push(this.s.slice(keyStart, this.pos));
        if (this.peek() !== '.') break;
        this.pos++;
      }
      if (this.peek() !== ']') this.fail(`missing ']' to close '[' at position ${open}${this.found()}`);
      this.pos++;
    }
    const text = this.s.slice(start, this.pos);
    const last = names[names.length - 1]!;
    let member: AttributeMember | undefined;
    if (names.length > 1 && (ATTRIBUTE_MEMBERS as readonly string[]).includes(last)) {
      member = last as AttributeMember;
      names.pop();
      if (jsonKeys.length > 0) this.fail(`'[…]' cannot follow the core member '${member}' in '${text}' at position ${start}`);
    }
    const [attr, ...subAttrs] = names as [string, ...string[]];
    return member ? { attr, subAttrs, member, jsonKeys, text } : { attr, subAttrs, jsonKeys, text };
  }

  private parseName(): string {
    const start = this.pos;
    if (!NAME_START.test(this.peek() ?? '')) {
      const after = start > 0 && this.s[start - 1] === '.' ? ` after '.'` : '';
      const hint = this.peek() === ';' || this.peek() === '|' || this.peek() === ')' ? ' (empty operand?)' : '';
      this.fail(`expected an attribute name${after} at position ${start}${this.found()}${hint}`);
    }
    this.pos++;
    while (this.pos < this.s.length && NAME_CHAR.test(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private parseOperator(): string {
    const start = this.pos;
    // A regex may begin with any character, so pattern operators match as a prefix.
    const pattern = PATTERN_OPS.find((o) => this.s.startsWith(o, start));
    if (pattern) {
      this.pos += pattern.length;
      return pattern;
    }
    // A comparison value never begins with an operator character, so the whole run must be one operator.
    while (isOpChar(this.s[this.pos])) this.pos++;
    const run = this.s.slice(start, this.pos);
    const op = COMPARE_OPS.find((o) => run === o);
    if (!op) {
      const hint = run === '=' ? " (did you mean '=='?)" : '';
      this.fail(`unknown operator '${run}' at position ${start}${hint}`);
    }
    return op;
  }

  private parseValue(op: CompareOp, opPos: number): QValue {
    const first = this.parseItem(op);
    if (this.s.startsWith('..', this.pos)) {
      const dots = this.pos;
      if (op !== '==' && op !== '!=') this.fail(`a range ('..') is only allowed with '==' or '!=', not '${op}' (position ${dots})`);
      this.pos += 2;
      const second = this.parseItem(op);
      for (const [bound, at] of [[first, opPos + op.length], [second, dots + 2]] as const) {
        if (bound.type === 'boolean') this.fail(`a range bound must be a number, string, date or time, not ${bound.value} (position ${at})`);
      }
      if (first.type !== second.type) this.fail(`both bounds of a range must have the same type (${first.type} .. ${second.type}) at position ${dots}`);
      if (this.peek() === ',' || this.s.startsWith('..', this.pos)) this.fail(`a range cannot be combined with a value list at position ${this.pos}`);
      return { kind: 'range', low: first, high: second };
    }
    if (this.peek() !== ',') return { kind: 'single', value: first };
    if (op !== '==' && op !== '!=') this.fail(`a value list (',') is only allowed with '==' or '!=', not '${op}' (position ${this.pos})`);
    const values = [first];
    while (this.peek() === ',') {
      this.pos++;
      values.push(this.parseItem(op));
      if (values.length > Q_LIMITS.maxListValues) this.fail(`a value list has more than ${Q_LIMITS.maxListValues} values`);
      if (this.s.startsWith('..', this.pos)) this.fail(`a value list cannot contain a range at position ${this.pos}`);
    }
    return { kind: 'list', values };
  }

  private parseItem(op: string): QScalar {
    const start = this.pos;
    if (this.peek() === '"') return { type: 'string', value: this.parseQuoted() };
    while (this.pos < this.s.length && !VALUE_STOP.includes(this.s[this.pos]!) && !/\s/.test(this.s[this.pos]!) && !this.s.startsWith('..', this.pos)) {
      this.pos++;
    }
    const raw = this.s.slice(start, this.pos);
    if (raw === '') this.fail(`expected a value after '${op}' at position ${start}${this.found()}`);
    const scalar = classify(raw);
    if (typeof scalar === 'string') {
      const hint = scalar === UNREADABLE ? ' (quote strings with "…")' : '';
      this.fail(`${scalar} '${raw}' at position ${start}${hint}`);
    }
    return scalar;
  }

  /** The raw text of a double-quoted literal starting at the current '"', quotes included. */
  private scanQuoted(): string {
    const start = this.pos++;
    while (this.pos < this.s.length && this.s[this.pos] !== '"') this.pos += this.s[this.pos] === '\\' ? 2 : 1;
    if (this.pos >= this.s.length) this.fail(`unterminated string starting at position ${start}`);
    this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** A JSON string literal starting at the current '"'. */
  private parseQuoted(): string {
    const start = this.pos;
    const literal = this.scanQuoted();
    try {
      return JSON.parse(literal) as string;
    } catch {
      this.fail(`invalid escape or control character in string at position ${start + badEscapeOffset(literal)}`);
    }
  }

  private parseRegex(op: string): string {
    const start = this.pos;
    let regex: string;
    if (this.peek() === '"') {
      // Only \" is an escape here, so regex escapes like \d need no doubling.
      regex = this.scanQuoted().slice(1, -1).replace(/\\(.)/gs, (pair, c: string) => (c === '"' ? '"' : pair));
    } else {
      regex = this.scanRawRegex();
    }
    if (regex === '') this.fail(`expected a regular expression after '${op}' at position ${start}${this.found()}`);
    if (!this.atTermEnd()) this.fail(`unexpected ${this.describe(this.pos)} after the regular expression at position ${this.pos}`);
    if (regex.length > Q_LIMITS.maxPatternLength) {
      this.fail(`the regular expression at position ${start} is longer than ${Q_LIMITS.maxPatternLength} characters`);
    }
    const problem = regexProblem(regex);
    if (problem) this.fail(`invalid regular expression at position ${start}: ${problem}`);
    return regex;
  }

  /** An unquoted regex runs to a ';' or '|' outside its own groups and classes, or an unmatched ')'. */
  private scanRawRegex(): string {
    const start = this.pos;
    let groups = 0;
    let inClass = false;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
      } else if (c === '[') {
        inClass = true;
      } else if (c === '(') {
        groups++;
      } else if (c === ')') {
        if (groups === 0) break;
        groups--;
      } else if ((c === ';' || c === '|') && groups === 0) {
        break;
      }
      this.pos++;
    }
    this.pos = Math.min(this.pos, this.s.length);
    return this.s.slice(start, this.pos);
  }

  private countTerm(): void {
    if (++this.terms > Q_LIMITS.maxTerms) this.fail(`the query has more than ${Q_LIMITS.maxTerms} terms`);
  }

  private atTermEnd(): boolean {
    const c = this.peek();
    return c === undefined || c === ';' || c === '|' || c === ')';
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private describe(at: number): string {
    const c = this.s[at];
    if (c === undefined) return 'end of query';
    if (/\s/.test(c)) return 'whitespace (allowed only inside quoted strings)';
    return `'${c}'`;
  }

  private found(): string {
    return `, found ${this.describe(this.pos)}`;
  }

  private fail(message: string): never {
    throw new QSyntaxError(`q: ${message}`);
  }
}

function isOpChar(c: string | undefined): boolean {
  return c !== undefined && c !== '' && OP_CHARS.includes(c);
}

/** Flattens nested and/or of the same kind so the SQL stays shallow. */
function combine(kind: 'and' | 'or', operands: QNode[]): QNode {
  if (operands.length === 1) return operands[0]!;
  return { kind, operands: operands.flatMap((o) => (o.kind === kind ? o.operands : [o])) };
}

/** Reads an unquoted literal, or returns what is wrong with it. */
function classify(raw: string): QScalar | string {
  if (raw === 'true' || raw === 'false') return { type: 'boolean', value: raw === 'true' };
  if (NUMBER_RE.test(raw)) return { type: 'number', value: Number(raw) };
  const dt = DATETIME_RE.exec(raw);
  if (dt) {
    // Normalised so PostgreSQL's .datetime() reads it: seconds present, explicit offset (UTC if none).
    const value = `${dt[1]}T${dt[2]}${dt[3] ?? ':00'}${normaliseOffset(dt[4])}`;
    return Number.isNaN(Date.parse(value)) ? 'invalid date-time' : { type: 'dateTime', value };
  }
  if (DATE_RE.test(raw)) return Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ? 'invalid date' : { type: 'date', value: raw };
  const t = TIME_RE.exec(raw);
  if (t) {
    if (Number(t[1]) > 23 || Number(t[2]) > 59) return 'invalid time';
    return { type: 'time', value: `${t[1]}:${t[2]}${t[3] ?? ':00'}${normaliseOffset(t[4])}` };
  }
  if (URI_RE.test(raw) || WORD_RE.test(raw)) return { type: 'string', value: raw };
  return UNREADABLE;
}

function normaliseOffset(offset: string | undefined): string {
  if (offset === undefined || offset === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/** Why a regex would not compile (checked here so the database never sees a broken one). */
function regexProblem(regex: string): string | undefined {
  if (NAMED_GROUP_RE.test(regex)) return 'named groups are not supported';
  for (let i = 0; i < regex.length; i++) {
    if (regex[i] !== '\\') continue;
    const next = regex[++i] ?? '';
    if (/[A-Za-z]/.test(next) && !POSIX_LETTER_ESCAPES.includes(next)) return `the escape '\\${next}' is not supported`;
  }
  try {
    new RegExp(regex.replace(EMBEDDED_OPTIONS_RE, ''));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Offset of the first bad escape or raw control character in a JSON string literal. */
function badEscapeOffset(literal: string): number {
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (c < ' ') return i;
    if (c !== '\\') continue;
    const next = literal[i + 1] ?? '';
    if (next === 'u' ? !/^[0-9a-fA-F]{4}$/.test(literal.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(next)) return i;
    i += next === 'u' ? 5 : 1;
  }
  return 0;
}
