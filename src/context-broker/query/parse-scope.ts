/**
 * Parser for the scope query `scopeQ` (ETSI GS CIM 009 v1.8.1, clause 4.19). The text is already
 * URL-decoded. Grammar (`;` binds tighter than `,` and `|`, which both mean OR):
 *
 *   scopeQ = or
 *   or     = and *( ( "," / "|" ) and )
 *   and    = term *( ";" term )
 *   term   = "(" or ")" / scope
 *   scope  = "/#" / [ "/" ] level *( "/" level ) [ "/#" ]
 *   level  = 1*( letter / digit / "_" ) / "+"          ; "+" = exactly one level
 *
 * `/Madrid/#` matches `/Madrid` and every scope below it, `/Madrid/+` the scopes one level below,
 * `/#` any scope at all. Positions in messages are 0-based character offsets.
 */
import { Q_LIMITS } from './ast.js';
import type { Result, ScopeNode, ScopeTerm } from './ast.js';

class ScopeSyntaxError extends Error {}

const LEVEL_CHAR = /[\p{L}\p{N}_]/u;

/** Parses a `scopeQ` text into its syntax tree, or explains the first error with its position. */
export function parseScopeQ(text: string): Result<ScopeNode> {
  if (text.length === 0) return { ok: false, error: 'scopeQ: the scope query is empty' };
  if (text.length > Q_LIMITS.maxLength) {
    return { ok: false, error: `scopeQ: the scope query is longer than ${Q_LIMITS.maxLength} characters` };
  }
  try {
    return { ok: true, value: new ScopeParser(text).parseAll() };
  } catch (e) {
    if (e instanceof ScopeSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}

class ScopeParser {
  private pos = 0;
  private terms = 0;
  private depth = 0;

  constructor(private readonly s: string) {}

  parseAll(): ScopeNode {
    const node = this.parseOr();
    if (this.pos < this.s.length) {
      if (this.peek() === ')') this.fail(`unbalanced parentheses: unexpected ')' at position ${this.pos}`);
      this.fail(`unexpected ${this.describe()} at position ${this.pos}`);
    }
    return node;
  }

  private parseOr(): ScopeNode {
    const operands = [this.parseAnd()];
    while (this.peek() === ',' || this.peek() === '|') {
      this.pos++;
      operands.push(this.parseAnd());
    }
    return combine('or', operands);
  }

  private parseAnd(): ScopeNode {
    const operands = [this.parseTerm()];
    while (this.peek() === ';') {
      this.pos++;
      operands.push(this.parseTerm());
    }
    return combine('and', operands);
  }

  private parseTerm(): ScopeNode {
    if (this.peek() === '(') {
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
    if (++this.terms > Q_LIMITS.maxTerms) this.fail(`the scope query has more than ${Q_LIMITS.maxTerms} scopes`);
    return this.parseScope();
  }

  private parseScope(): ScopeTerm {
    const start = this.pos;
    if (this.s.startsWith('/#', this.pos)) {
      this.pos += 2;
      this.expectScopeEnd(start);
      return { kind: 'scope', levels: [], descendants: true };
    }
    if (this.peek() === '/') this.pos++;
    const levels: string[] = [];
    let descendants = false;
    for (;;) {
      levels.push(this.parseLevel());
      if (this.peek() !== '/') break;
      this.pos++;
      if (this.peek() === '#') {
        this.pos++;
        descendants = true;
        break;
      }
    }
    this.expectScopeEnd(start);
    return { kind: 'scope', levels, descendants };
  }

  private parseLevel(): string {
    const start = this.pos;
    if (this.peek() === '+') {
      this.pos++;
      return '+';
    }
    while (this.pos < this.s.length && LEVEL_CHAR.test(this.s[this.pos]!)) this.pos++;
    if (this.pos === start) {
      const hint = this.peek() === '#' ? " ('#' may only end a scope, as in '/Madrid/#')" : '';
      this.fail(`expected a scope level (letters, digits, '_' or '+') at position ${start}, found ${this.describe()}${hint}`);
    }
    return this.s.slice(start, this.pos);
  }

  private expectScopeEnd(start: number): void {
    const c = this.peek();
    if (c === undefined || c === ';' || c === ',' || c === '|' || c === ')') return;
    this.fail(`unexpected ${this.describe()} in the scope starting at position ${start} (position ${this.pos})`);
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private describe(): string {
    const c = this.s[this.pos];
    if (c === undefined) return 'end of query';
    return /\s/.test(c) ? 'whitespace' : `'${c}'`;
  }

  private fail(message: string): never {
    throw new ScopeSyntaxError(`scopeQ: ${message}`);
  }
}

function combine(kind: 'and' | 'or', operands: ScopeNode[]): ScopeNode {
  if (operands.length === 1) return operands[0]!;
  return { kind, operands: operands.flatMap((o) => (o.kind === kind ? o.operands : [o])) };
}
