import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContextResolver, parseContextLink, type LocalContextSource } from '../../../src/context-broker/jsonld/context-resolver.js';
import { createRemoteLoader } from '../../../src/context-broker/jsonld/remote-loader.js';
import { CORE_CONTEXT_URL } from '../../../src/context-broker/jsonld/compile.js';
import { isProblemError } from '../../../src/core/index.js';

const NGSI = 'https://uri.etsi.org/ngsi-ld/';
const TOYONO = 'https://toyono.example/ontology#';
const REL = 'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/jsonld/${name}`, import.meta.url), 'utf8');

let server: Server;
let base: string;
const hits = new Map<string, number>();
let flakyUp = true;

/** A small context server: fixtures plus the misbehaviours the resolver must survive. */
function handle(path: string, res: import('node:http').ServerResponse): void {
  const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, ...headers });
    res.end(body);
  };
  switch (path) {
    case '/slow.jsonld':
      return; // never answers
    case '/missing.jsonld':
      return send(404, 'text/plain', 'not here');
    case '/page.html':
      return send(200, 'text/html', '<html><body>not a context</body></html>');
    case '/broken.jsonld':
      return send(200, 'application/json', '{"@context": {');
    case '/huge.jsonld':
      return send(200, 'application/ld+json', JSON.stringify({ '@context': { filler: `${TOYONO}${'x'.repeat(64 * 1024)}` } }));
    case '/as-text.jsonld':
      return send(200, 'text/plain; charset=utf-8', JSON.stringify({ '@context': { Shrine: `${TOYONO}Shrine` } }));
    case '/redirect-to-base':
      return send(302, 'text/plain', '', { Location: '/toyono-base-context.jsonld' });
    case '/redirect-to-ftp':
      return send(302, 'text/plain', '', { Location: 'ftp://files.toyono.example/context.jsonld' });
    case '/counted.jsonld':
      setTimeout(() => send(200, 'application/ld+json', JSON.stringify({ '@context': { countedTerm: `${TOYONO}counted` } })), 50);
      return;
    case '/max-age.jsonld':
      return send(200, 'application/ld+json', JSON.stringify({ '@context': { River: `${TOYONO}River` } }), { 'Cache-Control': 'public, max-age=120' });
    case '/flaky.jsonld':
      return flakyUp ? send(200, 'application/ld+json', JSON.stringify({ '@context': { Bridge: `${TOYONO}Bridge` } })) : send(500, 'text/plain', 'down');
    default:
      try {
        return send(200, 'application/ld+json', fixture(path.slice(1)));
      } catch {
        return send(404, 'text/plain', 'no such fixture');
      }
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handle(path, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  hits.clear();
  flakyUp = true;
});

function resolver(extra: ConstructorParameters<typeof ContextResolver>[0] = {}): ContextResolver {
  return new ContextResolver({ loader: createRemoteLoader({ timeoutMs: 300, maxBytes: 16 * 1024, allowPrivateHosts: true }), failureTtlMs: 0, ...extra });
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

describe('parseContextLink', () => {
  it('finds nothing in no header, and nothing when no link is a JSON-LD context', () => {
    expect(parseContextLink(undefined)).toEqual({ ok: true, value: undefined });
    expect(parseContextLink('  ')).toEqual({ ok: true, value: undefined });
    expect(parseContextLink('<https://example.org/page2>; rel="next"')).toEqual({ ok: true, value: undefined });
  });

  it('picks the context link among others, with quoted or unquoted relation types', () => {
    const header = `<https://example.org/page2>; rel="next", <${base}toyono-context.jsonld>; ${REL}`;
    expect(parseContextLink(header)).toEqual({ ok: true, value: `${base}toyono-context.jsonld` });
    expect(parseContextLink('<https://example.org/ctx.jsonld>;rel=http://www.w3.org/ns/json-ld#context')).toEqual({ ok: true, value: 'https://example.org/ctx.jsonld' });
    expect(parseContextLink('<https://example.org/ctx.jsonld>; rel="alternate HTTP://WWW.W3.ORG/ns/json-ld#context"')).toEqual({ ok: true, value: 'https://example.org/ctx.jsonld' });
  });

  it('is not fooled by commas and semicolons inside quoted parameters', () => {
    const header = `<https://example.org/a>; title="a, <b>; c"; rel="next", <https://example.org/ctx.jsonld>; title="x;y"; ${REL}`;
    expect(parseContextLink(header)).toEqual({ ok: true, value: 'https://example.org/ctx.jsonld' });
  });

  it('reads several Link header lines as one list', () => {
    expect(parseContextLink(['<https://example.org/p2>; rel="next"', `<https://example.org/ctx.jsonld>; ${REL}`])).toEqual({ ok: true, value: 'https://example.org/ctx.jsonld' });
  });

  it('rejects two context links (JSON-LD 1.1: multiple context link headers)', () => {
    const r = parseContextLink(`<https://a.example/ctx.jsonld>; ${REL}, <https://b.example/ctx.jsonld>; ${REL}`);
    expect(r.ok).toBe(false);
  });

  it('rejects a badly formed header and a relative context target', () => {
    expect(parseContextLink('https://example.org/ctx.jsonld; rel="x"').ok).toBe(false);
    expect(parseContextLink('<https://example.org/ctx.jsonld; rel="x"').ok).toBe(false);
    expect(parseContextLink(`<ctx.jsonld>; ${REL}`).ok).toBe(false);
  });
});

describe('ContextResolver', () => {
  it('gives the core context when a request brings none, or names a core URL, without fetching', async () => {
    const r = new ContextResolver({ loader: () => Promise.reject(new Error('must not fetch')) });
    expect(await r.resolve(undefined)).toBe(r.core);
    expect(await r.resolve(CORE_CONTEXT_URL)).toBe(r.core);
    expect(await r.resolve('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld')).toBe(r.core);
    expect(r.coreUsage().numberOfHits).toBe(3);
  });

  it('resolves a context that imports another, then answers from the compiled cache', async () => {
    const r = resolver();
    const url = `${base}toyono-context.jsonld`;
    const first = await r.resolve(url);
    expect(first.expandTerm('peopleCount')).toBe(`${TOYONO}peopleCount`);
    expect(first.expandTerm('name')).toBe('https://schema.org/name');
    expect(first.expandTerm('location')).toBe(`${NGSI}location`);
    expect(await r.resolve(url)).toBe(first);
    expect(hits.get('/toyono-context.jsonld')).toBe(1);
    expect(hits.get('/toyono-base-context.jsonld')).toBe(1);
    expect(r.stats()).toMatchObject({ compiledHits: 1, compiledMisses: 1, documentMisses: 2, fetches: 2, compiledSize: 1, documentSize: 2 });
    expect(r.cachedContext(url)?.numberOfHits).toBe(2);
  });

  it('shares cached documents between different contexts that use them', async () => {
    const r = resolver();
    await r.resolve(`${base}toyono-context.jsonld`);
    const inline = await r.resolve([`${base}toyono-base-context.jsonld`, { Temple: 'toyono:Temple' }]);
    expect(inline.expandTerm('Temple')).toBe(`${TOYONO}Temple`);
    expect(hits.get('/toyono-base-context.jsonld')).toBe(1);
    expect(r.stats().documentHits).toBe(1);
  });

  it('keys inline contexts by their content, not by key order', async () => {
    const r = resolver();
    const a = await r.resolve({ toyono: TOYONO, Park: 'toyono:Park' });
    const b = await r.resolve({ Park: 'toyono:Park', toyono: TOYONO });
    expect(b).toBe(a);
  });

  it('shares one fetch among concurrent requests for the same URL', async () => {
    const r = resolver();
    const url = `${base}counted.jsonld`;
    const maps = await Promise.all([r.resolve(url), r.resolve(url), r.resolve([url, { x: 'toyono:x' }])]);
    expect(hits.get('/counted.jsonld')).toBe(1);
    expect(maps[0]).toBe(maps[1]);
    expect(maps[2].expandTerm('countedTerm')).toBe(`${TOYONO}counted`);
  });

  it('answers LdContextNotAvailable (503) when the context server does not answer in time', async () => {
    const started = Date.now();
    const problem = await problemOf(resolver().resolve(`${base}slow.jsonld`));
    expect(problem).toMatchObject({ status: 503, type: 'https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable' });
    expect(problem.detail).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers LdContextNotAvailable (503) for a 404 and an unreachable host', async () => {
    expect(await problemOf(resolver().resolve(`${base}missing.jsonld`))).toMatchObject({ status: 503, detail: expect.stringContaining('HTTP 404') });
    expect((await problemOf(resolver().resolve('http://127.0.0.1:1/ctx.jsonld'))).status).toBe(503);
  });

  it.each([
    ['is HTML', 'page.html', 'not JSON'],
    ['is broken JSON', 'broken.jsonld', 'not valid JSON'],
    ['is too large', 'huge.jsonld', 'larger than'],
    ['forms a cycle', 'context-with-cycle-a.jsonld', 'recursive @context inclusion'],
    ['redirects to another scheme', 'redirect-to-ftp', 'redirected'],
  ])('answers BadRequestData (400) when the document %s', async (_what, path, detail) => {
    const problem = await problemOf(resolver().resolve(`${base}${path}`));
    expect(problem).toMatchObject({ status: 400, type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData' });
    expect(problem.detail).toContain(detail);
  });

  it('rejects a context URL that is not http(s) or not absolute', async () => {
    expect((await problemOf(resolver().resolve('file:///etc/passwd'))).status).toBe(400);
    expect((await problemOf(resolver().resolve('toyono-context.jsonld'))).status).toBe(400);
    expect((await problemOf(resolver().resolve(42))).status).toBe(400);
  });

  it('follows an http redirect, and accepts JSON served as text/plain', async () => {
    const r = resolver();
    expect((await r.resolve(`${base}redirect-to-base`)).expandTerm('name')).toBe('https://schema.org/name');
    expect((await r.resolve(`${base}as-text.jsonld`)).expandTerm('Shrine')).toBe(`${TOYONO}Shrine`);
  });

  it('keeps the core terms when a remote context redefines them', async () => {
    const terms = await resolver().resolve(`${base}context-redefining-core-terms.jsonld`);
    expect(terms.expandTerm('location')).toBe(`${NGSI}location`);
    expect(terms.expandTerm('type')).toBe('@type');
    expect(terms.expandTerm('waterLevel')).toBe(`${TOYONO}waterLevel`);
  });

  it('fetches a document again once its time to live has passed', async () => {
    let clock = 1_000_000;
    const r = resolver({ now: () => clock, documentTtlMs: 60_000, minDocumentTtlMs: 1_000 });
    const url = `${base}toyono-base-context.jsonld`;
    const first = await r.resolve(url);
    clock += 30_000;
    expect(await r.resolve(url)).toBe(first);
    clock += 31_000;
    const second = await r.resolve(url);
    expect(second).not.toBe(first);
    expect(hits.get('/toyono-base-context.jsonld')).toBe(2);
  });

  it('follows Cache-Control max-age, within its bounds', async () => {
    const clock = 5_000_000;
    const r = resolver({ now: () => clock });
    await r.resolve(`${base}max-age.jsonld`);
    const info = r.cachedContext(`${base}max-age.jsonld`)!;
    expect(info.expiresAt - info.fetchedAt).toBe(120_000);
  });

  it('keeps using a stale copy when refreshing it fails', async () => {
    let clock = 0;
    const r = resolver({ now: () => clock, documentTtlMs: 60_000 });
    const url = `${base}flaky.jsonld`;
    await r.resolve(url);
    flakyUp = false;
    clock += 61_000;
    expect((await r.resolve(url)).expandTerm('Bridge')).toBe(`${TOYONO}Bridge`);
    expect(r.stats().staleServed).toBe(1);
  });

  it('remembers a failed fetch for a while instead of asking again on every request', async () => {
    const r = resolver({ failureTtlMs: 10_000 });
    await problemOf(r.resolve(`${base}missing.jsonld`));
    await problemOf(r.resolve(`${base}missing.jsonld`));
    expect(hits.get('/missing.jsonld')).toBe(1);
  });

  it('reloads one URL now, keeping the old copy if that fails, and empties everything without a URL', async () => {
    const r = resolver();
    const url = `${base}flaky.jsonld`;
    const before = await r.resolve(url);
    await r.reload(url);
    expect(hits.get('/flaky.jsonld')).toBe(2);
    const after = await r.resolve(url);
    expect(after).not.toBe(before);
    flakyUp = false;
    expect((await problemOf(r.reload(url))).status).toBe(503);
    expect(r.cachedContext(url)).toBeDefined();
    await r.reload();
    expect(r.stats()).toMatchObject({ compiledSize: 0, documentSize: 0 });
  });

  it('forgets one URL together with the maps compiled from it', async () => {
    const r = resolver();
    await r.resolve(`${base}toyono-context.jsonld`);
    expect(r.forget(`${base}toyono-base-context.jsonld`)).toBe(true);
    expect(r.stats()).toMatchObject({ compiledSize: 0, documentSize: 1 });
    expect(r.forget(`${base}toyono-base-context.jsonld`)).toBe(false);
  });

  it('reads this hub\'s own hosted URLs from the registry, never over HTTP', async () => {
    const hosted = 'https://hub.toyono.example/ngsi-ld/v1/jsonldContexts/';
    const uses: string[] = [];
    const local: LocalContextSource = {
      owns: (url) => url.startsWith(hosted),
      lookup: async (url) => (url === `${hosted}one` ? { '@context': { Library: 'https://toyono.example/ontology#Library' } } : undefined),
      recordUse: (url) => uses.push(url),
    };
    const r = new ContextResolver({ loader: () => Promise.reject(new Error('must not fetch')), registry: local });
    expect((await r.resolve(`${hosted}one`)).expandTerm('Library')).toBe(`${TOYONO}Library`);
    expect(uses).toEqual([`${hosted}one`]);
    expect((await problemOf(r.resolve(`${hosted}two`))).status).toBe(503);
  });
});
