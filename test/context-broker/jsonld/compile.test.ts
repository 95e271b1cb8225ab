import { readFileSync } from 'node:fs';
import {
  CORE_CONTEXT_URL,
  compileContext,
  coreContextDocument,
  isCoreContextUrl,
  type ContextLoader,
} from '../../../src/context-broker/jsonld/compile.js';
import { isProblemError } from '../../../src/core/index.js';

const NGSI = 'https://uri.etsi.org/ngsi-ld/';
const DEFAULT = 'https://uri.etsi.org/ngsi-ld/default-context/';
const TOYONO = 'https://toyono.example/ontology#';
const FIXTURES = 'https://contexts.toyono.example/';

/** Serves test/fixtures/jsonld/<name> at FIXTURES + <name>, and records what was loaded. */
function fixtureLoader(): ContextLoader & { calls: string[] } {
  const calls: string[] = [];
  const load = async (url: string): Promise<unknown> => {
    calls.push(url);
    if (!url.startsWith(FIXTURES)) throw new Error(`unexpected fetch of ${url}`);
    const file = new URL(`../../fixtures/jsonld/${url.slice(FIXTURES.length)}`, import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  };
  return Object.assign(load, { calls });
}

async function problemOf(p: Promise<unknown>): Promise<{ status: number; type: string; detail: string | undefined }> {
  try {
    await p;
  } catch (err) {
    if (isProblemError(err)) return { status: err.status, type: err.type, detail: err.detail };
    throw err;
  }
  throw new Error('expected a problem');
}

describe('compileContext with inline contexts', () => {
  it('compiles plain and expanded term definitions, in front of the core context', async () => {
    const terms = await compileContext({
      toyono: TOYONO,
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      Station: 'toyono:Station',
      peopleCount: { '@id': 'toyono:peopleCount', '@type': 'xsd:integer' },
      platforms: { '@id': 'toyono:platforms', '@container': ['@list'] },
    });
    expect(terms.expandTerm('Station')).toBe(`${TOYONO}Station`);
    expect(terms.definition('peopleCount')).toMatchObject({ id: `${TOYONO}peopleCount`, type: 'http://www.w3.org/2001/XMLSchema#integer' });
    expect(terms.definition('platforms')?.container).toEqual(['@list']);
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
    expect(terms.vocab).toBe(DEFAULT);
  });

  it('resolves terms whose @id is another term or a compact IRI, whatever their order in the context', async () => {
    const terms = await compileContext({ count: 'peopleCount', peopleCount: 'toyono:peopleCount', toyono: TOYONO });
    expect(terms.expandTerm('count')).toBe(`${TOYONO}peopleCount`);
  });

  it('lets user terms use the core prefixes and keyword aliases', async () => {
    const terms = await compileContext({ sealed: 'ngsi-ld:entityIdSealed', identifier: 'id' });
    expect(terms.expandTerm('sealed')).toBe(`${NGSI}entityIdSealed`);
    expect(terms.expandTerm('identifier')).toBe('@id');
  });

  it('derives the IRI of a term without @id from @vocab', async () => {
    const terms = await compileContext({ servedBy: { '@type': '@id' } });
    expect(terms.expandTerm('servedBy')).toBe(`${DEFAULT}servedBy`);
  });

  it('makes only simple terms ending in a gen-delim prefixes, unless @prefix says so (JSON-LD 1.1)', async () => {
    const terms = await compileContext({ ex: 'http://example.org/vocab', exp: { '@id': 'http://example.org/vocab', '@prefix': true } });
    expect(terms.expandTerm('ex:thing')).toBe('ex:thing');
    expect(terms.expandTerm('exp:thing')).toBe('http://example.org/vocabthing');
  });

  it('lets the core context win over user redefinitions, and reports them', async () => {
    const terms = await compileContext({
      '@vocab': `${TOYONO}`,
      location: 'https://schema.org/location',
      'ngsi-ld': 'https://toyono.example/not-ngsi-ld/',
      waterLevel: `${TOYONO}waterLevel`,
    });
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
    expect(terms.expandTerm('ngsi-ld:foo')).toBe(`${NGSI}foo`);
    expect(terms.expandTerm('waterLevel')).toBe(`${TOYONO}waterLevel`);
    // The core context is processed last, so its @vocab is the one left.
    expect(terms.expandTerm('unknownAttribute')).toBe(`${DEFAULT}unknownAttribute`);
    expect([...terms.shadowedTerms].sort()).toEqual(['location', 'ngsi-ld']);
  });

  it('lets the core context win even when it comes first in the array', async () => {
    const terms = await compileContext([CORE_CONTEXT_URL, { location: 'https://schema.org/location' }]);
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
  });

  it('follows plain JSON-LD order without the core: later definitions win, null resets', async () => {
    const terms = await compileContext([{ a: 'https://example.org/1' }, { a: 'https://example.org/2' }], { includeCore: false });
    expect(terms.expandTerm('a')).toBe('https://example.org/2');
    const reset = await compileContext([{ a: 'https://example.org/1' }, null, { b: 'https://example.org/b' }], { includeCore: false });
    expect(reset.has('a')).toBe(false);
    expect(reset.tryExpandTerm('location')).toBeNull();
  });

  it.each([
    ['a number', 42],
    ['a boolean', true],
    ['an array holding a number', [{ a: 'https://example.org/a' }, 7]],
    ['a relative URL', 'context.jsonld'],
    ['a cyclic term', { a: 'b', b: 'a' }],
    ['a keyword redefinition', { '@id': 'https://example.org/id' }],
    ['a term mapped to a number', { a: 5 }],
    ['an unknown entry in a term definition', { a: { '@id': 'https://example.org/a', '@foo': 1 } }],
    ['a bad container', { a: { '@id': 'https://example.org/a', '@container': '@bag' } }],
    ['a bad @version', { '@version': 1.0 }],
    ['a compact-IRI term that means something else', { 'ngsi-ld:location': 'https://evil.example/location' }],
    ['a null that would clear the core context', [null]],
    ['an alias of @context', { ctx: '@context' }],
  ])('rejects %s with BadRequestData', async (_name, context) => {
    const problem = await problemOf(compileContext(context));
    expect(problem.status).toBe(400);
    expect(problem.type).toBe('https://uri.etsi.org/ngsi-ld/errors/BadRequestData');
  });

  it('rejects a hostile chain of terms defined through terms instead of overflowing the stack', async () => {
    const chain: Record<string, string> = { t0: 'https://example.org/end' };
    for (let i = 1; i <= 5000; i++) chain[`t${i}`] = `t${i - 1}`;
    const reversed = Object.fromEntries(Object.entries(chain).reverse());
    expect((await problemOf(compileContext(reversed))).detail).toContain('chained deeper');
    const short = Object.fromEntries(Object.entries(chain).slice(0, 100).reverse());
    expect((await compileContext(short)).expandTerm('t99')).toBe('https://example.org/end');
  });

  it('accepts the core context restated inline, its scoped ngsildproof term included', async () => {
    const terms = await compileContext([{ Beacon: `${TOYONO}Beacon` }, coreContextDocument()['@context']]);
    expect(terms.expandTerm('Beacon')).toBe(`${TOYONO}Beacon`);
    expect(terms.isCoreTerm('ngsildproof')).toBe(true);
    expect(terms.shadowedTerms).toEqual([]);
  });

  it('rejects scoped contexts in user contexts (clause 5.5.7) unless allowed', async () => {
    const scoped = { sensor: { '@id': `${TOYONO}sensor`, '@context': { location: 'https://schema.org/location' } } };
    const problem = await problemOf(compileContext(scoped));
    expect(problem.detail).toContain('scoped @context');
    const terms = await compileContext(scoped, { allowScopedContexts: true });
    expect(terms.definition('sensor')?.scopedContext).toEqual({ location: 'https://schema.org/location' });
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
  });
});

describe('compileContext with remote contexts', () => {
  it('follows a context that references another by a relative URL', async () => {
    const load = fixtureLoader();
    const terms = await compileContext(`${FIXTURES}toyono-context.jsonld`, { load });
    expect(terms.expandTerm('CrowdFlowObserved')).toBe(`${TOYONO}CrowdFlowObserved`);
    expect(terms.expandTerm('name')).toBe('https://schema.org/name');
    expect(terms.definition('category')?.type).toBe('@vocab');
    expect(terms.dependencies).toEqual([`${FIXTURES}toyono-context.jsonld`, `${FIXTURES}toyono-base-context.jsonld`]);
  });

  it('compiles nested arrays of URLs and objects', async () => {
    const load = fixtureLoader();
    const terms = await compileContext([[`${FIXTURES}toyono-base-context.jsonld`], [{ Shrine: 'toyono:Shrine' }]], { load });
    expect(terms.expandTerm('Shrine')).toBe(`${TOYONO}Shrine`);
  });

  it('never loads the core context, whichever well-known URL names it', async () => {
    const load = fixtureLoader();
    const terms = await compileContext(`${FIXTURES}context-importing-core.jsonld`, { load });
    expect(load.calls).toEqual([`${FIXTURES}context-importing-core.jsonld`]);
    expect(terms.expandTerm('WasteContainer')).toBe(`${TOYONO}WasteContainer`);
    expect(isCoreContextUrl('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld')).toBe(true);
    expect(isCoreContextUrl('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld')).toBe(true);
    expect(isCoreContextUrl('https://uri.etsi.org/ngsi-ld/ngsi-ld-core-context.jsonld')).toBe(true);
    expect(isCoreContextUrl('https://example.org/ngsi-ld-core-context.jsonld')).toBe(false);
  });

  it('loads a document used twice only once per compilation', async () => {
    const load = fixtureLoader();
    await compileContext([`${FIXTURES}toyono-base-context.jsonld`, `${FIXTURES}toyono-context.jsonld`], { load });
    expect(load.calls.filter((u) => u.endsWith('toyono-base-context.jsonld'))).toHaveLength(1);
  });

  it('detects a cycle of contexts', async () => {
    const problem = await problemOf(compileContext(`${FIXTURES}context-with-cycle-a.jsonld`, { load: fixtureLoader() }));
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('recursive @context inclusion');
  });

  it('limits how deep contexts may reference contexts', async () => {
    const load: ContextLoader = async (url) => ({ '@context': [`${url}/next`] });
    const problem = await problemOf(compileContext('https://deep.example/0', { load, maxDepth: 4 }));
    expect(problem.detail).toContain('deeper than 4');
  });

  it('limits how many remote contexts one compilation reads', async () => {
    const load: ContextLoader = async () => ({ '@context': {} });
    const many = Array.from({ length: 5 }, (_, i) => `https://many.example/${i}`);
    const problem = await problemOf(compileContext(many, { load, maxRemoteContexts: 3 }));
    expect(problem.detail).toContain('more than 3 remote');
  });

  it('rejects a remote document without a top-level @context', async () => {
    const load: ContextLoader = async () => ({ name: 'https://schema.org/name' });
    const problem = await problemOf(compileContext('https://plain.example/doc.json', { load }));
    expect(problem.detail).toContain('no top-level @context');
  });

  it('rejects a remote context with a scoped term', async () => {
    const problem = await problemOf(compileContext(`${FIXTURES}context-with-scoped-term.jsonld`, { load: fixtureLoader() }));
    expect(problem.detail).toContain(`${FIXTURES}context-with-scoped-term.jsonld`);
  });

  it('supports @import, the importing context overriding the imported one', async () => {
    const load = fixtureLoader();
    const terms = await compileContext({ '@import': `${FIXTURES}toyono-base-context.jsonld`, name: 'https://toyono.example/ontology#name' }, { load });
    expect(terms.expandTerm('name')).toBe(`${TOYONO}name`);
    expect(terms.expandTerm('address')).toBe('https://schema.org/address');
  });

  it('fails with LdContextNotAvailable when there is no loader', async () => {
    const problem = await problemOf(compileContext('https://nowhere.example/ctx.jsonld'));
    expect(problem.status).toBe(503);
  });
});

describe('the bundled core context', () => {
  it('is read from disk once and cannot be changed by callers', () => {
    const doc = coreContextDocument();
    expect(doc).toBe(coreContextDocument());
    expect(Object.isFrozen(doc['@context'])).toBe(true);
    expect((doc['@context'] as Record<string, unknown>)['@vocab']).toBe(DEFAULT);
  });
});
