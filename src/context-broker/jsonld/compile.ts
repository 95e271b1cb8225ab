/**
 * Compiles @context sources — inline objects, URLs, arrays, remote documents that reference further
 * contexts — into a TermMap. Follows JSON-LD 1.1 "Context Processing" and "Create Term Definition"
 * for what NGSI-LD needs, plus the NGSI-LD rule that the core context always wins (ETSI GS CIM 009
 * clauses 5.5.7 and C.9). The core context ships with the hub and is never fetched.
 */
import { readFileSync } from 'node:fs';
import { ngsiError } from '../errors.js';
import { TermMap, endsWithGenDelim, isAbsoluteIri, isKeyword, isKeywordLike, type TermDefinition } from './term-map.js';

/** The core context this hub ships, and announces when a request brings none. */
export const CORE_CONTEXT_URL = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld';

// Every published location of the core context resolves to the bundled v1.9 copy, a superset of
// the earlier versions' terms with the same IRIs.
const CORE_URLS: ReadonlySet<string> = new Set(
  ['https', 'http'].flatMap((scheme) => [
    `${scheme}://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld`,
    `${scheme}://uri.etsi.org/ngsi-ld/ngsi-ld-core-context.jsonld`,
    ...[3, 4, 5, 6, 7, 8, 9].map((minor) => `${scheme}://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.${minor}.jsonld`),
  ]),
);

/** True for a well-known URL of the NGSI-LD core context (served locally, never fetched). */
export function isCoreContextUrl(url: string): boolean {
  return CORE_URLS.has(url);
}

/** Fetches the document at a URL (an object with an `@context` member). */
export type ContextLoader = (url: string) => Promise<unknown>;

export interface CompileOptions {
  /** Loads remote (or hosted) documents; without it, any URL other than the core context fails. */
  load?: ContextLoader;
  /** Put the core context first (so user CURIEs can use its prefixes) and last (so it wins). Default true. */
  includeCore?: boolean;
  /** Longest chain of contexts referencing contexts (default 8). */
  maxDepth?: number;
  /** Remote documents one compilation may read (default 32). */
  maxRemoteContexts?: number;
  /** NGSI-LD forbids scoped contexts in user @contexts (clause 5.5.7); default false. */
  allowScopedContexts?: boolean;
}

type Json = Record<string, unknown>;

let coreDocument: Readonly<Json> | undefined;
let coreMap: TermMap | undefined;

/** The bundled core context document ({"@context": {…}}), read from disk once and frozen. */
export function coreContextDocument(): Readonly<Json> {
  if (coreDocument === undefined) {
    const text = readFileSync(new URL('./contexts/ngsi-ld-core-context-v1.9.jsonld', import.meta.url), 'utf8');
    coreDocument = deepFreeze(JSON.parse(text) as Json);
  }
  return coreDocument;
}

/** The core context alone, compiled once; what a request without any @context uses. */
export function coreTermMap(): TermMap {
  if (coreMap === undefined) {
    const c = new Compilation(limitsOf({}), undefined);
    c.processLocal(coreContextDocument()['@context'] as Json, { core: true, where: CORE_CONTEXT_URL });
    coreMap = c.result();
  }
  return coreMap;
}

/** Compiles a @context value (string, object, array, null) into a TermMap. */
export async function compileContext(context: unknown, options: CompileOptions = {}): Promise<TermMap> {
  const includeCore = options.includeCore ?? true;
  const c = new Compilation(limitsOf(options), options.load);
  if (includeCore) c.applyCore();
  await c.process(context, undefined, []);
  // The core context is processed last in NGSI-LD, so its @vocab is the one that stays.
  if (includeCore) c.vocab = coreTermMap().vocab;
  return c.result();
}

interface Limits {
  maxDepth: number;
  maxRemoteContexts: number;
  allowScopedContexts: boolean;
}

interface LocalOptions {
  /** Terms come from the core context. */
  core: boolean;
  /** URL of the document being processed, for error messages. */
  where: string | undefined;
}

function limitsOf(o: CompileOptions): Limits {
  return { maxDepth: o.maxDepth ?? 8, maxRemoteContexts: o.maxRemoteContexts ?? 32, allowScopedContexts: o.allowScopedContexts ?? false };
}

const CONTEXT_KEYWORDS = new Set(['@base', '@direction', '@import', '@language', '@propagate', '@protected', '@version', '@vocab']);
const TERM_DEFINITION_KEYS = new Set(['@id', '@reverse', '@container', '@context', '@direction', '@index', '@language', '@nest', '@prefix', '@protected', '@type']);
const CONTAINERS = new Set(['@list', '@set', '@index', '@language', '@id', '@type', '@graph']);
const TYPE_KEYWORDS = new Set(['@id', '@vocab', '@json', '@none']);
const MAX_TERM_CHAIN = 256;

function invalid(detail: string, where?: string) {
  return ngsiError('badRequestData', `invalid JSON-LD @context${where === undefined ? '' : ` ${where}`}: ${detail}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function sameDefinition(a: TermDefinition, b: TermDefinition): boolean {
  return (
    a.id === b.id &&
    a.type === b.type &&
    (a.container ?? []).join() === (b.container ?? []).join() &&
    a.language === b.language &&
    Boolean(a.reverse) === Boolean(b.reverse) &&
    a.prefix === b.prefix &&
    (a.scopedContext === b.scopedContext || JSON.stringify(a.scopedContext) === JSON.stringify(b.scopedContext))
  );
}

/** The active context while one compilation runs. */
class Compilation {
  readonly defs = new Map<string, TermDefinition>();
  vocab: string | null = null;
  private readonly dependencies: string[] = [];
  private readonly shadowed = new Set<string>();
  private readonly documents = new Map<string, Promise<unknown>>();
  private remoteCount = 0;
  private termDepth = 0;

  constructor(
    private readonly limits: Limits,
    private readonly load: ContextLoader | undefined,
  ) {}

  result(): TermMap {
    return new TermMap({ definitions: this.defs, vocab: this.vocab, dependencies: this.dependencies, shadowedTerms: [...this.shadowed] });
  }

  /** Installs the precompiled core terms; its definitions do not depend on what came before. */
  applyCore(): void {
    const core = coreTermMap();
    for (const [term, def] of core.terms()) this.install(term, def);
    this.vocab = core.vocab;
  }

  async process(context: unknown, base: string | undefined, chain: readonly string[]): Promise<void> {
    if (Array.isArray(context)) {
      for (const item of context) await this.process(item, base, chain);
    } else if (context === null) {
      this.nullify(base);
    } else if (typeof context === 'string') {
      await this.processRemote(context, base, chain);
    } else if (isObject(context)) {
      const local = hasOwn(context, '@import') ? await this.withImport(context, base, chain) : context;
      this.processLocal(local, { core: false, where: base });
    } else {
      throw invalid(`an @context entry must be a URL, an object or null, not ${JSON.stringify(context)}`, base);
    }
  }

  processLocal(ctx: Json, opts: LocalOptions): void {
    const version = ctx['@version'];
    if (version !== undefined && version !== 1.1) throw invalid('@version must be 1.1', opts.where);
    const isProtected = ctx['@protected'];
    if (isProtected !== undefined && typeof isProtected !== 'boolean') throw invalid('@protected must be true or false', opts.where);
    const language = ctx['@language'];
    if (language !== undefined && language !== null && typeof language !== 'string') throw invalid('@language must be a string or null', opts.where);
    if (hasOwn(ctx, '@vocab')) this.setVocab(ctx['@vocab'], opts.where);
    const defined = new Map<string, boolean>();
    for (const term of Object.keys(ctx)) {
      if (CONTEXT_KEYWORDS.has(term)) continue;
      this.defineTerm(ctx, term, defined, opts, isProtected === true);
    }
  }

  private async processRemote(ref: string, base: string | undefined, chain: readonly string[]): Promise<void> {
    const url = this.resolveUrl(ref, base);
    if (isCoreContextUrl(url)) {
      this.applyCore();
      return;
    }
    const document = await this.fetch(url, base, chain);
    if (!isObject(document) || !hasOwn(document, '@context')) throw invalid('the document has no top-level @context', url);
    await this.process(document['@context'], url, [...chain, url]);
  }

  /** JSON-LD 1.1 @import: the imported context's entries, overridden by the importing one. */
  private async withImport(ctx: Json, base: string | undefined, chain: readonly string[]): Promise<Json> {
    const ref = ctx['@import'];
    if (typeof ref !== 'string') throw invalid('@import must be a URL', base);
    const url = this.resolveUrl(ref, base);
    let imported: unknown;
    if (isCoreContextUrl(url)) {
      imported = coreContextDocument()['@context'];
    } else {
      const document = await this.fetch(url, base, chain);
      imported = isObject(document) ? document['@context'] : undefined;
    }
    if (!isObject(imported)) throw invalid(`@import ${url} must hold a single context object`, base);
    if (hasOwn(imported, '@import')) throw invalid(`@import ${url} must not import again`, base);
    const merged: Json = { ...imported, ...ctx };
    delete merged['@import'];
    return merged;
  }

  private async fetch(url: string, base: string | undefined, chain: readonly string[]): Promise<unknown> {
    if (chain.includes(url)) throw invalid(`recursive @context inclusion: ${[...chain, url].join(' → ')}`, base);
    if (chain.length >= this.limits.maxDepth) throw invalid(`@contexts nested deeper than ${this.limits.maxDepth} levels`, url);
    this.remoteCount += 1;
    if (this.remoteCount > this.limits.maxRemoteContexts) throw invalid(`more than ${this.limits.maxRemoteContexts} remote @contexts`, url);
    if (this.load === undefined) throw ngsiError('ldContextNotAvailable', `no loader is configured to retrieve @context ${url}`);
    let pending = this.documents.get(url);
    if (pending === undefined) {
      pending = this.load(url);
      this.documents.set(url, pending);
      if (!this.dependencies.includes(url)) this.dependencies.push(url);
    }
    return pending;
  }

  private resolveUrl(ref: string, base: string | undefined): string {
    try {
      return new URL(ref, base).href;
    } catch {
      throw invalid(`"${ref}" is not an absolute URL`, base);
    }
  }

  private nullify(where: string | undefined): void {
    for (const def of this.defs.values()) {
      if (def.protected) throw invalid('a null @context cannot clear protected terms such as the NGSI-LD core ones', where);
    }
    this.defs.clear();
    this.vocab = null;
  }

  private setVocab(value: unknown, where: string | undefined): void {
    if (value === null) {
      this.vocab = null;
      return;
    }
    if (typeof value !== 'string') throw invalid('@vocab must be a string or null', where);
    const iri = this.expandIri(value, undefined, new Map(), { core: false, where });
    if (iri === null || !(isAbsoluteIri(iri) || iri.startsWith('_:'))) throw invalid(`@vocab "${value}" is not an absolute IRI`, where);
    this.vocab = iri;
  }

  /** Keeps a protected definition against any different redefinition: the core context wins. */
  private install(term: string, def: TermDefinition): void {
    const previous = this.defs.get(term);
    if (previous !== undefined && previous.protected) {
      if (!sameDefinition(previous, def)) this.shadowed.add(term);
      return;
    }
    this.defs.set(term, def);
  }

  private defineTerm(ctx: Json, term: string, defined: Map<string, boolean>, opts: LocalOptions, protectedByDefault: boolean): void {
    const state = defined.get(term);
    if (state === true) return;
    if (state === false) throw invalid(`cyclic IRI mapping for term "${term}"`, opts.where);
    defined.set(term, false);
    // Terms defined through terms recurse; a hostile chain must end in an error, not a stack overflow.
    if (++this.termDepth > MAX_TERM_CHAIN) throw invalid(`term definitions chained deeper than ${MAX_TERM_CHAIN}`, opts.where);
    try {
      this.defineTermValue(ctx, term, defined, opts, protectedByDefault);
    } finally {
      this.termDepth--;
    }
  }

  private defineTermValue(ctx: Json, term: string, defined: Map<string, boolean>, opts: LocalOptions, protectedByDefault: boolean): void {
    const value = ctx[term];
    if (term === '') throw invalid('a term must not be empty', opts.where);
    if (term === '@type') {
      // JSON-LD 1.1 lets a context say only that @type values are a set.
      if (!isObject(value) || !Object.keys(value).every((k) => k === '@container' || k === '@protected') || value['@container'] !== '@set') {
        throw invalid('"@type" may only be given {"@container": "@set"}', opts.where);
      }
      defined.set(term, true);
      return;
    }
    if (isKeyword(term)) throw invalid(`keyword "${term}" cannot be redefined`, opts.where);
    if (isKeywordLike(term)) {
      defined.set(term, true);
      return;
    }
    let def: TermDefinition | undefined;
    if (value === null) {
      def = { id: null, prefix: false, protected: protectedByDefault, core: opts.core };
    } else if (typeof value === 'string') {
      def = this.simpleDefinition(ctx, term, value, defined, opts, protectedByDefault);
    } else if (isObject(value)) {
      def = this.expandedDefinition(ctx, term, value, defined, opts, protectedByDefault);
    } else {
      throw invalid(`term "${term}" must map to a string, an object or null`, opts.where);
    }
    defined.set(term, true);
    if (def !== undefined) this.install(term, def);
  }

  private simpleDefinition(ctx: Json, term: string, value: string, defined: Map<string, boolean>, opts: LocalOptions, isProtected: boolean): TermDefinition | undefined {
    if (isKeywordLike(value)) return undefined;
    const id = this.mappedIri(ctx, term, value, defined, opts);
    const prefix = !term.includes(':') && !term.includes('/') && (endsWithGenDelim(id) || id.startsWith('_:'));
    return { id, prefix, protected: isProtected, core: opts.core };
  }

  private expandedDefinition(ctx: Json, term: string, value: Json, defined: Map<string, boolean>, opts: LocalOptions, protectedByDefault: boolean): TermDefinition | undefined {
    for (const key of Object.keys(value)) {
      if (!TERM_DEFINITION_KEYS.has(key)) throw invalid(`term "${term}" has an unknown entry "${key}"`, opts.where);
    }
    let id: string | null;
    let reverse = false;
    if (hasOwn(value, '@reverse')) {
      const raw = value['@reverse'];
      if (hasOwn(value, '@id') || hasOwn(value, '@nest')) throw invalid(`reverse term "${term}" must not have @id or @nest`, opts.where);
      if (typeof raw !== 'string') throw invalid(`@reverse of "${term}" must be a string`, opts.where);
      if (isKeywordLike(raw)) return undefined;
      id = this.mappedIri(ctx, term, raw, defined, opts);
      reverse = true;
    } else if (hasOwn(value, '@id') && value['@id'] !== term) {
      const raw = value['@id'];
      if (raw === null) id = null;
      else if (typeof raw !== 'string') throw invalid(`@id of "${term}" must be a string or null`, opts.where);
      else if (isKeywordLike(raw)) return undefined;
      else id = this.mappedIri(ctx, term, raw, defined, opts);
    } else if (term.indexOf(':', 1) > 0 || term.includes('/')) {
      // The term names its own IRI; mark it defined so expanding it does not recurse into itself.
      defined.set(term, true);
      id = this.expandIri(term, ctx, defined, opts);
      if (id === null || !(isAbsoluteIri(id) || id.startsWith('_:'))) throw invalid(`term "${term}" does not expand to an IRI`, opts.where);
    } else if (this.vocab !== null) {
      id = this.vocab + term;
    } else {
      throw invalid(`term "${term}" has no @id and there is no @vocab`, opts.where);
    }

    const def: { -readonly [K in keyof TermDefinition]: TermDefinition[K] } = {
      id,
      prefix: false,
      protected: protectedByDefault,
      core: opts.core,
    };
    if (reverse) def.reverse = true;
    if (hasOwn(value, '@type')) def.type = this.typeMapping(ctx, term, value['@type'], defined, opts);
    if (hasOwn(value, '@container')) def.container = this.containerMapping(term, value['@container'], opts);
    if (hasOwn(value, '@language')) {
      const lang = value['@language'];
      if (lang !== null && typeof lang !== 'string') throw invalid(`@language of "${term}" must be a string or null`, opts.where);
      def.language = lang;
    }
    if (hasOwn(value, '@protected')) {
      if (typeof value['@protected'] !== 'boolean') throw invalid(`@protected of "${term}" must be true or false`, opts.where);
      def.protected = value['@protected'];
    }
    if (hasOwn(value, '@prefix')) {
      const p = value['@prefix'];
      if (typeof p !== 'boolean') throw invalid(`@prefix of "${term}" must be true or false`, opts.where);
      if (term.includes(':') || term.includes('/')) throw invalid(`term "${term}" cannot be a prefix`, opts.where);
      if (p && id !== null && isKeyword(id)) throw invalid(`keyword alias "${term}" cannot be a prefix`, opts.where);
      def.prefix = p;
    }
    if (hasOwn(value, '@context')) {
      // A redefinition of a protected (core) term is ignored anyway, so a client restating the core
      // context inline, ngsildproof and its scoped context included, is not an error.
      if (!opts.core && !this.limits.allowScopedContexts && this.defs.get(term)?.protected !== true) {
        throw invalid(`term "${term}" has a scoped @context, which NGSI-LD user @contexts must not contain (clause 5.5.7)`, opts.where);
      }
      def.scopedContext = value['@context'];
    }
    return def;
  }

  /** The IRI a term's @id (or simple value) maps to, checked as JSON-LD requires. */
  private mappedIri(ctx: Json, term: string, raw: string, defined: Map<string, boolean>, opts: LocalOptions): string {
    const id = this.expandIri(raw, ctx, defined, opts);
    if (id === '@context') throw invalid(`"${term}" cannot alias @context`, opts.where);
    if (id === null || !(isKeyword(id) || isAbsoluteIri(id) || id.startsWith('_:'))) {
      throw invalid(`term "${term}" maps to "${raw}", which is not an IRI`, opts.where);
    }
    // A term that looks like a compact IRI or an IRI must mean what it says, so nobody can make
    // "ngsi-ld:location" stand for something else (JSON-LD 1.1, Create Term Definition 14.2.4).
    const colon = term.indexOf(':', 1);
    if ((colon > 0 && colon < term.length - 1) || term.includes('/')) {
      defined.set(term, true);
      const itself = this.expandIri(term, ctx, defined, opts);
      if (itself !== id) throw invalid(`term "${term}" looks like an IRI but maps to "${id}"`, opts.where);
    }
    return id;
  }

  private typeMapping(ctx: Json, term: string, raw: unknown, defined: Map<string, boolean>, opts: LocalOptions): string {
    if (typeof raw !== 'string') throw invalid(`@type of "${term}" must be a string`, opts.where);
    if (TYPE_KEYWORDS.has(raw)) return raw;
    const iri = this.expandIri(raw, ctx, defined, opts);
    if (iri === null || !isAbsoluteIri(iri)) throw invalid(`@type of "${term}" is not an IRI`, opts.where);
    return iri;
  }

  private containerMapping(term: string, raw: unknown, opts: LocalOptions): readonly string[] {
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0 || !list.every((c) => typeof c === 'string' && CONTAINERS.has(c))) {
      throw invalid(`@container of "${term}" must be among ${[...CONTAINERS].join(', ')}`, opts.where);
    }
    return list as string[];
  }

  /** JSON-LD IRI expansion with vocab = true while a local context is being defined. */
  private expandIri(value: string, ctx: Json | undefined, defined: Map<string, boolean>, opts: LocalOptions): string | null {
    if (isKeyword(value)) return value;
    if (isKeywordLike(value)) return null;
    if (ctx !== undefined && hasOwn(ctx, value) && defined.get(value) !== true) this.defineTerm(ctx, value, defined, opts, ctx['@protected'] === true);
    const def = this.defs.get(value);
    if (def !== undefined) return def.id;
    const colon = value.indexOf(':', 1);
    if (colon > 0) {
      const prefix = value.slice(0, colon);
      const suffix = value.slice(colon + 1);
      if (prefix === '_' || suffix.startsWith('//')) return value;
      if (ctx !== undefined && hasOwn(ctx, prefix) && defined.get(prefix) !== true) this.defineTerm(ctx, prefix, defined, opts, ctx['@protected'] === true);
      const p = this.defs.get(prefix);
      if (p !== undefined && p.prefix && p.id !== null) return p.id + suffix;
      if (isAbsoluteIri(value)) return value;
    }
    return this.vocab === null ? value : this.vocab + value;
  }
}
