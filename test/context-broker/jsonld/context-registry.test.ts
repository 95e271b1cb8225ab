import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { PGlite } from '@electric-sql/pglite';
import { ContextRegistry, jsonldMigrations, type ContextMetadata } from '../../../src/context-broker/jsonld/context-registry.js';
import { ContextResolver } from '../../../src/context-broker/jsonld/context-resolver.js';
import { jsonldContextsRouter } from '../../../src/context-broker/jsonld/jsonld-contexts-routes.js';
import { CORE_CONTEXT_URL } from '../../../src/context-broker/jsonld/compile.js';
import type { DocumentLoader } from '../../../src/context-broker/jsonld/remote-loader.js';
import { isProblemError, type SqlExecutor } from '../../../src/core/index.js';
import { ngsiError } from '../../../src/context-broker/errors.js';

const HUB = 'https://hub.toyono.example';
const TOYONO = 'https://toyono.example/ontology#';
const REMOTE = 'https://contexts.toyono.example/';
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';
const minimal = { '@context': { A1: 'urn:ngsi-ld:attributes:A1', A2: 'urn:ngsi-ld:attributes:A2' } };

let db: PGlite;
let executor: SqlExecutor;

/** A loader over an in-memory set of remote documents; `down` makes every fetch fail. */
function memoryLoader(): DocumentLoader & { calls: string[]; down: boolean } {
  const docs: Record<string, unknown> = {
    [`${REMOTE}toyono.jsonld`]: { '@context': { Station: `${TOYONO}Station` } },
  };
  const load: DocumentLoader & { calls: string[]; down: boolean } = Object.assign(
    async (url: string) => {
      load.calls.push(url);
      if (load.down || !(url in docs)) throw ngsiError('ldContextNotAvailable', `${url} is unreachable`);
      return { url, document: docs[url] };
    },
    { calls: [] as string[], down: false },
  );
  return load;
}

function open(loader = memoryLoader()) {
  const registry = new ContextRegistry({ db: executor, baseUrl: () => HUB });
  const resolver = new ContextResolver({ registry, loader, failureTtlMs: 0 });
  return { registry, resolver, loader };
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

beforeAll(async () => {
  db = await PGlite.create();
  executor = {
    query: async <R,>(text: string, params?: readonly unknown[]) => {
      const r = await db.query<R>(text, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
  for (const m of jsonldMigrations) await db.exec(m.sql);
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.query('DELETE FROM jsonld_context');
});

describe('[pglite] ContextRegistry: Hosted contexts', () => {
  it('stores a context and serves it back as it was given', async () => {
    const { registry } = open();
    const added = await registry.add({ ...minimal, ignored: 'outside @context' });
    expect(added.localId).toMatch(/^urn:ngsi-ld:JsonldContext:/);
    expect(added.location).toBe(`/ngsi-ld/v1/jsonldContexts/${added.localId}`);
    expect(added.url).toBe(`${HUB}/ngsi-ld/v1/jsonldContexts/${added.localId}`);
    expect(await registry.serve(added.localId)).toEqual(minimal);
    expect(await registry.serve(added.url)).toEqual(minimal);
  });

  it('lists hosted contexts with the core context, as URLs or as metadata', async () => {
    const { registry } = open();
    const added = await registry.add(minimal);
    expect(await registry.list()).toEqual([CORE_CONTEXT_URL, added.url]);
    expect(await registry.list({ kind: 'Hosted' })).toEqual([added.url]);
    const [meta] = (await registry.list({ kind: 'Hosted', details: true })) as ContextMetadata[];
    expect(meta).toEqual({ URL: added.url, localId: added.localId, kind: 'Hosted', createdAt: expect.any(String), numberOfHits: 0 });
    expect(Number.isNaN(Date.parse(meta!.createdAt))).toBe(false);
    expect(await registry.list({ kind: 'ImplicitlyCreated' })).toEqual([]);
  });

  it('survives a restart', async () => {
    const added = await open().registry.add(minimal);
    const { registry, resolver } = open();
    expect(await registry.load()).toBe(1);
    expect(await registry.serve(added.localId)).toEqual(minimal);
    expect((await resolver.resolve(added.url)).expandTerm('A1')).toBe('urn:ngsi-ld:attributes:A1');
  });

  it('resolves its own URL without HTTP and counts each use', async () => {
    const { registry, resolver, loader } = open();
    const added = await registry.add(minimal);
    await resolver.resolve(added.url);
    await resolver.resolve([added.url, { extra: `${TOYONO}extra` }]);
    expect(loader.calls).toEqual([]);
    const meta = await registry.describe(added.localId);
    expect(meta).toMatchObject({ kind: 'Hosted', numberOfHits: 2, lastUsage: expect.any(String) });
  });

  it('rejects a body without @context as InvalidRequest, and an invalid @context as BadRequestData', async () => {
    const { registry } = open();
    expect(await problemOf(registry.add({ A1: 'urn:ngsi-ld:attributes:A1' }))).toMatchObject({ status: 400, type: `${ERR}InvalidRequest` });
    expect(await problemOf(registry.add(['not', 'an', 'object']))).toMatchObject({ status: 400, type: `${ERR}InvalidRequest` });
    for (const context of [42, true, [{ A1: 'urn:a' }, 7], 'relative.jsonld', 'ftp://files.example/ctx.jsonld', { s: { '@id': 'urn:s', '@context': {} } }]) {
      expect(await problemOf(registry.add({ '@context': context }))).toMatchObject({ status: 400, type: `${ERR}BadRequestData` });
    }
    expect(await registry.list({ kind: 'Hosted' })).toEqual([]);
  });

  it('accepts a context that only lists URLs, without fetching them', async () => {
    const { registry, loader } = open();
    const added = await registry.add({ '@context': [`${REMOTE}toyono.jsonld`, CORE_CONTEXT_URL] });
    expect(loader.calls).toEqual([]);
    expect(await registry.serve(added.localId)).toEqual({ '@context': [`${REMOTE}toyono.jsonld`, CORE_CONTEXT_URL] });
  });

  it('deletes a hosted context, after which its URL no longer resolves', async () => {
    const { registry, resolver } = open();
    const added = await registry.add(minimal);
    await resolver.resolve(added.url);
    await registry.delete(added.localId);
    expect((await problemOf(registry.serve(added.localId))).status).toBe(404);
    expect((await problemOf(resolver.resolve(added.url))).status).toBe(503);
  });

  it('keeps each tenant\'s hosted contexts to itself', async () => {
    const { registry } = open();
    const added = await registry.add(minimal, 'toyono-city');
    expect(await registry.list({ kind: 'Hosted' }, 'other')).toEqual([]);
    expect((await problemOf(registry.serve(added.localId, 'other'))).status).toBe(404);
    expect((await problemOf(registry.delete(added.localId, {}, 'other'))).status).toBe(404);
    expect(await registry.serve(added.localId, 'toyono-city')).toEqual(minimal);
  });

  it('stores ImplicitlyCreated contexts, served like hosted ones', async () => {
    const { registry } = open();
    const added = await registry.addImplicit([`${REMOTE}toyono.jsonld`, CORE_CONTEXT_URL]);
    expect(await registry.list({ kind: 'ImplicitlyCreated' })).toEqual([added.url]);
    expect(await registry.serve(added.localId)).toEqual({ '@context': [`${REMOTE}toyono.jsonld`, CORE_CONTEXT_URL] });
    expect((await problemOf(registry.delete(added.localId, { reload: true }))).status).toBe(400);
  });
});

describe('[pglite] ContextRegistry: Cached contexts and the core context', () => {
  it('lists what the resolver fetched as Cached, serves its metadata but not its content', async () => {
    const { registry, resolver } = open();
    const url = `${REMOTE}toyono.jsonld`;
    await resolver.resolve(url);
    expect(await registry.list({ kind: 'Cached' })).toEqual([CORE_CONTEXT_URL, url]);
    const meta = await registry.describe(url);
    expect(meta).toMatchObject({ URL: url, kind: 'Cached', numberOfHits: 1, expiresAt: expect.any(String) });
    expect(await registry.describe(meta.localId)).toEqual(meta);
    expect(await problemOf(registry.serve(url))).toMatchObject({ status: 422, type: `${ERR}OperationNotSupported` });
  });

  it('reloads a Cached context, and answers 504 LdContextNotAvailable keeping the copy when that fails', async () => {
    const { registry, resolver, loader } = open();
    const url = `${REMOTE}toyono.jsonld`;
    await resolver.resolve(url);
    await registry.delete(url, { reload: true });
    expect(loader.calls).toEqual([url, url]);
    loader.down = true;
    expect(await problemOf(registry.delete(url, { reload: true }))).toMatchObject({ status: 504, type: `${ERR}LdContextNotAvailable` });
    expect((await registry.describe(url)).kind).toBe('Cached');
  });

  it('deletes a Cached context from the cache', async () => {
    const { registry, resolver } = open();
    const url = `${REMOTE}toyono.jsonld`;
    await resolver.resolve(url);
    await registry.delete(url);
    expect((await problemOf(registry.describe(url))).status).toBe(404);
  });

  it('lists the core context as Cached, never deletes it, and treats its reload as done', async () => {
    const { registry, resolver } = open();
    await resolver.resolve(undefined);
    const meta = await registry.describe('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld');
    expect(meta).toMatchObject({ URL: CORE_CONTEXT_URL, kind: 'Cached', numberOfHits: 1, extraInfo: { bundled: true } });
    expect(await problemOf(registry.delete(CORE_CONTEXT_URL))).toMatchObject({ status: 400, type: `${ERR}BadRequestData` });
    await registry.delete(CORE_CONTEXT_URL, { reload: true });
    expect((await problemOf(registry.serve(CORE_CONTEXT_URL))).status).toBe(422);
  });

  it('answers 404 for an unknown id, and 400 when asked to reload it (ETSI TP 051_04)', async () => {
    const { registry } = open();
    expect((await problemOf(registry.delete('wrong_id_context'))).status).toBe(404);
    expect((await problemOf(registry.delete('wrong_id_context', { reload: true }))).status).toBe(400);
    expect((await problemOf(registry.serve('wrong_id_context'))).status).toBe(404);
    expect((await problemOf(registry.describe('urn:ngsi-ld:JsonldContext:nope'))).status).toBe(404);
  });
});

describe('[pglite] jsonldContextsRouter', () => {
  let server: Server;
  let api: string;
  let loader: ReturnType<typeof memoryLoader>;
  let resolver: ContextResolver;

  beforeAll(async () => {
    const opened = open();
    loader = opened.loader;
    resolver = opened.resolver;
    const app = express();
    app.use(express.json({ type: ['application/json', 'application/ld+json'] }));
    app.use('/ngsi-ld/v1/jsonldContexts', jsonldContextsRouter({ registry: opened.registry, resolver }));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      if (isProblemError(err)) res.status(err.status).type('application/problem+json').send(JSON.stringify(err.toJSON()));
      else res.status(500).end();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ngsi-ld/v1/jsonldContexts`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('adds a context: 201, a Location header and no body', async () => {
    const res = await fetch(api, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(minimal) });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^https:\/\/hub\.toyono\.example\/ngsi-ld\/v1\/jsonldContexts\/urn:ngsi-ld:JsonldContext:/);
    expect(await res.text()).toBe('');
  });

  it('serves a context as application/json, or application/ld+json when asked', async () => {
    const created = await fetch(api, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(minimal) });
    const location = created.headers.get('location')!;
    const id = encodeURIComponent(location.split('/').pop()!);
    const plain = await fetch(`${api}/${id}`);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual(minimal);
    const ld = await fetch(`${api}/${id}`, { headers: { Accept: 'application/ld+json' } });
    expect(ld.headers.get('content-type')).toBe('application/ld+json');
    const details = await fetch(`${api}/${id}?details=true`);
    expect(await details.json()).toMatchObject({ kind: 'Hosted', localId: decodeURIComponent(id) });
    const deleted = await fetch(`${api}/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${api}/${id}`)).status).toBe(404);
  });

  it('lists with details and kind, and finds a Cached context by its URL-encoded URL', async () => {
    await resolver.resolve(`${REMOTE}toyono.jsonld`);
    const list = (await (await fetch(`${api}?details=true&kind=Cached`)).json()) as ContextMetadata[];
    expect(list.map((c) => c.URL)).toEqual([CORE_CONTEXT_URL, `${REMOTE}toyono.jsonld`]);
    const one = await fetch(`${api}/${encodeURIComponent(`${REMOTE}toyono.jsonld`)}?details=true`);
    expect(await one.json()).toMatchObject({ kind: 'Cached', URL: `${REMOTE}toyono.jsonld` });
    expect((await fetch(`${api}/${encodeURIComponent(`${REMOTE}toyono.jsonld`)}`)).status).toBe(422);
    expect((await fetch(`${api}/${encodeURIComponent(`${REMOTE}toyono.jsonld`)}?reload=true`, { method: 'DELETE' })).status).toBe(204);
    expect(loader.calls.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['GET', '?details=other'],
    ['GET', '?kind=other'],
    ['GET', '?details=true&kind=hosted'],
    ['DELETE', '/wrong_id_context?reload=xxx'],
    ['DELETE', '/wrong_id_context?reload=true'],
  ])('answers 400 BadRequestData to %s %s', async (method, path) => {
    const res = await fetch(`${api}${path}`, { method });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toBe(`${ERR}BadRequestData`);
  });
});
