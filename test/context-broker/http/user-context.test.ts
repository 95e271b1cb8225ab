import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachEngine } from '../../support/engines.js';
import { ApiClient, enc, startTestHub } from '../../support/hub.js';
import { useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';
const SDM = 'https://smartdatamodels.org/dataModel.Environment/';

/** A context server with a Smart Data Models-like @context, and a path that never answers. */
async function contextServer(): Promise<{ server: Server; url: (path: string) => string }> {
  const server = createServer((req, res) => {
    if (req.url === '/environment.jsonld') {
      res.setHeader('content-type', 'application/ld+json');
      res.end(JSON.stringify({ '@context': { AirQualityObserved: `${SDM}AirQualityObserved`, temperature: `${SDM}temperature`, sdm: SDM } }));
    } else if (req.url === '/slow.jsonld') {
      // Never answers: the broker must give up after its timeout.
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, url: (path) => `http://127.0.0.1:${port}${path}` };
}

const link = (url: string) => ({ link: `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` });

describeEachEngine('user @contexts from a Link header or an application/ld+json body', (engine) => {
  const broker = useBroker(engine, { contextFetchTimeoutMs: '500' });
  let ctx: Awaited<ReturnType<typeof contextServer>>;
  beforeAll(async () => {
    ctx = await contextServer();
  });
  afterAll(async () => {
    ctx.server.closeAllConnections();
    await new Promise((r) => ctx.server.close(r));
  });

  it('expands names with the linked context and compacts them back only for clients using it', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:ctx-1';
    const body = { id, type: 'AirQualityObserved', temperature: { type: 'Property', value: 11 } };
    expect((await broker.api().post(E, body, link(ctx.url('/environment.jsonld')))).status).toBe(201);
    const withLink = await broker.api().get(`${E}/${enc(id)}`, link(ctx.url('/environment.jsonld')));
    expect(withLink.body).toEqual(body);
    expect(withLink.headers.get('link')).toContain(ctx.url('/environment.jsonld'));
    const coreOnly = await broker.api().get(`${E}/${enc(id)}`);
    expect(coreOnly.body).toEqual({ id, type: `sdm:AirQualityObserved`.replace('sdm:', SDM), [`${SDM}temperature`]: { type: 'Property', value: 11 } });
    const found = await broker.api().get(`${E}?type=AirQualityObserved&q=temperature==11`, link(ctx.url('/environment.jsonld')));
    expect(found.body.map((e: { id: string }) => e.id)).toEqual([id]);
    const notFound = await broker.api().get(`${E}?type=AirQualityObserved`);
    expect(notFound.body).toEqual([]);
  });

  it('takes the @context from an application/ld+json body', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:ctx-2';
    const r = await broker.api().request('POST', E, {
      contentType: 'application/ld+json',
      body: { id, type: 'AirQualityObserved', temperature: { type: 'Property', value: 12 }, '@context': [{ temperature: `${SDM}temperature`, AirQualityObserved: `${SDM}AirQualityObserved` }] },
    });
    expect(r.status).toBe(201);
    const back = await broker.api().get(`${E}/${enc(id)}?options=keyValues`, link(ctx.url('/environment.jsonld')));
    expect(back.body).toEqual({ id, type: 'AirQualityObserved', temperature: 12 });
  });

  it('answers 503 LdContextNotAvailable when the context cannot be fetched, and creates nothing', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:ctx-3';
    for (const path of ['/missing.jsonld', '/slow.jsonld']) {
      const r = await broker.api().post(E, { id, type: 'AirQualityObserved' }, link(ctx.url(path)));
      expect(r.status).toBe(503);
      expect(r.body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable');
    }
    expect((await broker.api().get(`${E}/${enc(id)}`)).status).toBe(404);
  });

  it('refuses contexts on the hub\'s own network unless the operator allows them', async () => {
    const strict = await startTestHub(engine(), { contextAllowPrivateHosts: 'false' });
    try {
      const api = new ApiClient(strict.url, { 'NGSILD-Tenant': broker.tenant() });
      for (const url of [ctx.url('/environment.jsonld'), 'http://localhost:9/x.jsonld', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/x']) {
        const r = await api.get(`${E}?type=X`, link(url));
        expect(r.status).toBe(400);
        expect(r.body.detail).toMatch(/refused/);
      }
    } finally {
      await strict.stop();
    }
  });

  it('refuses two context Link headers', async () => {
    const two = `<${ctx.url('/environment.jsonld')}>; rel="http://www.w3.org/ns/json-ld#context", <${ctx.url('/other.jsonld')}>; rel="http://www.w3.org/ns/json-ld#context"`;
    const r = await broker.api().get(`${E}?type=X`, { link: two });
    expect(r.status).toBe(400);
  });

  it('hosts a context posted to /jsonldContexts and uses it by its URL', async () => {
    const posted = await broker.api().post('/ngsi-ld/v1/jsonldContexts', { '@context': { Shelter: 'https://toyono.example/ns/Shelter', capacity: 'https://toyono.example/ns/capacity' } });
    expect(posted.status).toBe(201);
    const hostedUrl = posted.headers.get('location')!;
    expect(hostedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ngsi-ld\/v1\/jsonldContexts\//);
    const id = 'urn:ngsi-ld:Shelter:ctx-4';
    expect((await broker.api().post(E, { id, type: 'Shelter', capacity: 120 }, link(hostedUrl))).status).toBe(201);
    const back = await broker.api().get(`${E}/${enc(id)}`);
    expect(back.body.type).toBe('https://toyono.example/ns/Shelter');
    const list = await broker.api().get('/ngsi-ld/v1/jsonldContexts');
    expect(list.body).toContain(hostedUrl);
  });
});
