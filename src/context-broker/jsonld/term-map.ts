/**
 * The compiled form of a JSON-LD @context: every term already resolved to its IRI, so expanding and
 * compacting names on the hot path are Map lookups (ETSI GS CIM 009 clause 5.5.7, JSON-LD 1.1
 * "IRI Expansion" and "IRI Compaction"). Built by compile.ts; immutable apart from its bounded memos.
 */

/** One compiled term definition (JSON-LD 1.1, "Create Term Definition"). */
export interface TermDefinition {
  /** Expanded IRI, a keyword when the term is a keyword alias (`id` → `@id`), or null for a null mapping. */
  readonly id: string | null;
  /** Type mapping: `@id`, `@vocab`, `@json`, `@none` or a datatype IRI. */
  readonly type?: string;
  /** Container mapping (`@list`, `@set`, `@index`, `@language`, …). */
  readonly container?: readonly string[];
  /** Default language of the term (`@language`), null when explicitly none. */
  readonly language?: string | null;
  /** True for `@reverse` properties; they never take part in compaction here. */
  readonly reverse?: boolean;
  /** May be used as the prefix of a compact IRI (JSON-LD 1.1 prefix flag). */
  readonly prefix: boolean;
  /** Protected terms cannot be redefined by later contexts. */
  readonly protected: boolean;
  /** Defined by the NGSI-LD core context. */
  readonly core: boolean;
  /**
   * A scoped context, kept as written and never compiled here: it only applies to values nested
   * under this term, so it cannot change how top-level names expand.
   */
  readonly scopedContext?: unknown;
}

export interface TermMapInit {
  definitions: ReadonlyMap<string, TermDefinition>;
  vocab: string | null;
  /** Remote or hosted @context URLs the map was compiled from (not the core context). */
  dependencies?: readonly string[];
  /** Terms whose redefinition was ignored because a protected definition (the core) won. */
  shadowedTerms?: readonly string[];
  /** Entries kept per memo of names the context does not define (default 2048). */
  memoLimit?: number;
}

const KEYWORDS: ReadonlySet<string> = new Set([
  '@base', '@container', '@context', '@direction', '@graph', '@id', '@import', '@included', '@index',
  '@json', '@language', '@list', '@nest', '@none', '@prefix', '@propagate', '@protected', '@reverse',
  '@set', '@type', '@value', '@version', '@vocab',
]);
const KEYWORD_FORM = /^@[A-Za-z]+$/;
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]*$/;
const GEN_DELIMS = ':/?#[]@';
// Names longer than this are expanded but not memoised, so a hostile payload cannot fill the memo with megabytes.
const MAX_MEMO_KEY = 512;

/** True for a JSON-LD 1.1 keyword. */
export function isKeyword(value: string): boolean {
  return KEYWORDS.has(value);
}

/** True for strings JSON-LD reserves as keyword-like (`@` + letters) without being keywords; they are ignored. */
export function isKeywordLike(value: string): boolean {
  return KEYWORD_FORM.test(value) && !KEYWORDS.has(value);
}

/** True when a string has the form of an absolute IRI (scheme ":" rest). */
export function isAbsoluteIri(value: string): boolean {
  return ABSOLUTE_IRI.test(value);
}

/** True when an IRI ends with a gen-delim character, which lets a simple term act as a prefix. */
export function endsWithGenDelim(iri: string): boolean {
  return iri.length > 0 && GEN_DELIMS.includes(iri[iri.length - 1]!);
}

/** A compiled @context: names ↔ IRIs by Map lookup, with bounded memos for names it does not define. */
export class TermMap {
  readonly vocab: string | null;
  readonly dependencies: readonly string[];
  readonly shadowedTerms: readonly string[];
  private readonly defs: ReadonlyMap<string, TermDefinition>;
  private readonly expanded = new Map<string, string | null>();
  private readonly reverse = new Map<string, string>();
  /** [prefix term, IRI] pairs, sorted by term so CURIE choice does not depend on context order. */
  private readonly prefixes: ReadonlyArray<readonly [string, string]>;
  private readonly expandMemo = new Map<string, string | null>();
  private readonly compactMemo = new Map<string, string>();
  private readonly memoLimit: number;

  constructor(init: TermMapInit) {
    this.defs = init.definitions;
    this.vocab = init.vocab;
    this.dependencies = init.dependencies ?? [];
    this.shadowedTerms = init.shadowedTerms ?? [];
    this.memoLimit = init.memoLimit ?? 2048;
    const prefixes: Array<readonly [string, string]> = [];
    for (const [term, def] of this.defs) {
      this.expanded.set(term, def.id);
      if (def.id === null || def.reverse) continue;
      if (def.prefix) prefixes.push([term, def.id]);
      const current = this.reverse.get(def.id);
      if (current === undefined || this.preferred(def.id, term, current)) this.reverse.set(def.id, term);
    }
    this.prefixes = prefixes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Number of terms defined. */
  get size(): number {
    return this.defs.size;
  }

  /**
   * Attribute name, type name or keyword alias → IRI (JSON-LD IRI expansion with vocab = true).
   * A name the context maps to null, or a keyword-like name, comes back unchanged: it has no IRI
   * (JSON-LD would drop it; use `tryExpandTerm` to tell).
   */
  expandTerm(term: string): string {
    return this.tryExpandTerm(term) ?? term;
  }

  /** Like `expandTerm`, but null when JSON-LD gives the name no IRI (null mapping, keyword-like, no @vocab). */
  tryExpandTerm(term: string): string | null {
    const known = this.expanded.get(term);
    if (known !== undefined) return known;
    const memo = this.expandMemo.get(term);
    if (memo !== undefined) return memo;
    const result = this.computeExpansion(term);
    this.remember(this.expandMemo, term, result);
    return result;
  }

  /**
   * Value of an @vocab-typed member (VocabProperty `vocab`, entity `type`, `objectType`) → IRI.
   * Values are never dropped: one without an IRI comes back unchanged.
   */
  expandValue(value: string): string {
    return this.tryExpandTerm(value) ?? value;
  }

  /**
   * IRI → the name a client of this context knows it by: a term mapped to exactly this IRI (a user
   * term before a core one, then the shortest, then the first in code-point order), else the
   * IRI minus @vocab, else the shortest compact IRI, else the IRI itself.
   */
  compactIri(iri: string): string {
    const exact = this.reverse.get(iri);
    if (exact !== undefined) return exact;
    const memo = this.compactMemo.get(iri);
    if (memo !== undefined) return memo;
    const result = this.computeCompaction(iri);
    this.remember(this.compactMemo, iri, result);
    return result;
  }

  /** IRI of an @vocab-typed value → its short form; the same rules as `compactIri`. */
  compactValue(iri: string): string {
    return this.compactIri(iri);
  }

  /** The definition of a term, for callers that need its type or container mapping. */
  definition(term: string): TermDefinition | undefined {
    return this.defs.get(term);
  }

  /** True when the context defines the term (even as a null mapping). */
  has(term: string): boolean {
    return this.defs.has(term);
  }

  /** True when the active definition of the term is the NGSI-LD core one. */
  isCoreTerm(term: string): boolean {
    return this.defs.get(term)?.core === true;
  }

  /** All term definitions, in definition order. */
  terms(): IterableIterator<[string, TermDefinition]> {
    return this.defs.entries();
  }

  private computeExpansion(term: string): string | null {
    if (term.startsWith('@')) {
      if (KEYWORDS.has(term)) return term;
      if (KEYWORD_FORM.test(term)) return null;
    }
    const colon = term.indexOf(':', 1);
    if (colon > 0) {
      const prefix = term.slice(0, colon);
      const suffix = term.slice(colon + 1);
      // Blank nodes and "scheme://…" are never compact IRIs.
      if (prefix === '_' || suffix.startsWith('//')) return term;
      const def = this.defs.get(prefix);
      if (def !== undefined && def.prefix && def.id !== null) return def.id + suffix;
      if (ABSOLUTE_IRI.test(term)) return term;
    }
    return this.vocab === null ? null : this.vocab + term;
  }

  private computeCompaction(iri: string): string {
    const vocab = this.vocab;
    if (vocab !== null && iri.length > vocab.length && iri.startsWith(vocab)) {
      const suffix = iri.slice(vocab.length);
      // The suffix must expand back to this IRI: no term of that name, no colon, no keyword form.
      if (!this.defs.has(suffix) && !suffix.includes(':') && !suffix.startsWith('@')) return suffix;
    }
    let best: string | undefined;
    for (const [term, prefixIri] of this.prefixes) {
      if (iri.length <= prefixIri.length || !iri.startsWith(prefixIri)) continue;
      const suffix = iri.slice(prefixIri.length);
      if (suffix.startsWith('//')) continue;
      const candidate = `${term}:${suffix}`;
      const clash = this.defs.get(candidate);
      if (clash !== undefined && clash.id !== iri) continue;
      if (best === undefined || candidate.length < best.length || (candidate.length === best.length && candidate < best)) {
        best = candidate;
      }
    }
    return best ?? iri;
  }

  /** Whether `candidate` should replace `current` as the compact form of `iri`. */
  private preferred(iri: string, candidate: string, current: string): boolean {
    const a = this.defs.get(candidate)!;
    const b = this.defs.get(current)!;
    if (a.core !== b.core) {
      // NGSI-LD members (id, type, …) keep their core names; for IRIs a user's own term wins.
      return KEYWORDS.has(iri) ? a.core : !a.core;
    }
    if (candidate.length !== current.length) return candidate.length < current.length;
    return candidate < current;
  }

  private remember<V>(memo: Map<string, V>, key: string, value: V): void {
    if (key.length > MAX_MEMO_KEY) return;
    // Clearing beats LRU bookkeeping here: a full memo means a stream of one-off names.
    if (memo.size >= this.memoLimit) memo.clear();
    memo.set(key, value);
  }
}
