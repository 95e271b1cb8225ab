/**
 * A real third-party NGSI-LD client against the broker: the published FIWARE IoT Agent library
 * (iotagent-node-lib, npm) in NGSI-LD mode with its in-memory device registry. A device is
 * provisioned through the agent's own north-bound API (POST /iot/devices), measures go through
 * iotAgentLib.update() exactly as a protocol agent (IoTA-JSON, IoTA-UL) would pass them, and the
 * agent writes them to the broker with POST /ngsi-ld/v1/entityOperations/upsert/?options=update
 * (application/ld+json, @context in the body, NGSILD-Tenant from fiware-service). We then read
 * the entity back through our NGSI-LD API with plain fetch.
 *
 * Everything stays on 127.0.0.1: the agent's user @context is served by a small HTTP server
 * started here (the broker fetches it; the agent never fetches anything), and the agent talks to
 * the broker through a recording proxy so every exchange can be asserted and shown on failure.
 */
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hub } from '../../../src/cli/index.js';
import { describeEachEngine, uniqueTenant } from '../../support/engines.js';
import { ApiClient, enc, startTestHub } from '../../support/hub.js';
import { checkAgainstOpenApi } from '../../support/openapi-check.js';

/** The part of iotagent-node-lib's (CommonJS, untyped) API this test uses. */
interface IotAgentLib {
  activate(config: Record<string, unknown>, cb: (err?: unknown) => void): void;
  deactivate(cb: (err?: unknown) => void): void;
  clearAll?: (cb: (err?: unknown) => void) => void;
  getDevice(id: string, apikey: string | undefined, service: string, subservice: string, cb: (err: unknown, device: IotaDevice) => void): void;
  update(
    entityName: string,
    type: string,
    apikey: string,
    measures: { name: string; type: string; value: unknown }[],
    device: IotaDevice,
    cb: (err?: unknown) => void,
  ): void;
}
interface IotaDevice {
  id: string;
  name: string;
  type: string;
  service: string;
  subservice: string;
  [k: string]: unknown;
}

const require = createRequire(import.meta.url);
// The library logs through logops at INFO from the moment it loads; quiet it first (TSUNAGU_TEST_LOG shows it).
const logops = createRequire(require.resolve('iotagent-node-lib'))('logops') as { setLevel(level: string): void };
logops.setLevel(process.env['TSUNAGU_TEST_LOG'] ? 'DEBUG' : 'FATAL');
const iotAgentLib = require('iotagent-node-lib') as IotAgentLib;

const E = '/ngsi-ld/v1/entities';

/** The town's own vocabulary, as a deployment would host it (smart data models style). */
const SDM = 'https://smartdatamodels.org/dataModel.Environment/';
const USER_CONTEXT = {
  '@context': {
    AirQualityObserved: `${SDM}AirQualityObserved`,
    temperature: 'https://smartdatamodels.org/temperature',
    relativeHumidity: 'https://smartdatamodels.org/relativeHumidity',
    no2: `${SDM}no2`,
    sensorModel: 'https://smartdatamodels.org/sensorModel',
    refDevice: { '@id': 'https://smartdatamodels.org/refDevice', '@type': '@id' },
    dateObserved: 'https://smartdatamodels.org/dateObserved',
  },
};

const DEVICE_ID = 'toyono-aq-7';
const ENTITY_ID = 'urn:ngsi-ld:AirQualityObserved:toyono-aq-7';

/** What a provisioning client (operator, IoT Agent Manager) sends to the agent. */
const PROVISIONING = {
  devices: [
    {
      device_id: DEVICE_ID,
      entity_name: ENTITY_ID,
      entity_type: 'AirQualityObserved',
      protocol: 'IoTA-JSON',
      transport: 'HTTP',
      timestamp: true,
      attributes: [
        { object_id: 't', name: 'temperature', type: 'Number', metadata: { unitCode: { type: 'Text', value: 'CEL' } } },
        { object_id: 'h', name: 'relativeHumidity', type: 'Number' },
        { object_id: 'n', name: 'no2', type: 'Integer' },
        { object_id: 'd', name: 'dateObserved', type: 'DateTime' },
      ],
      static_attributes: [
        // In NGSI-LD mode the library reads "lng, lat" (GeoJSON order), unlike NGSIv2's "lat, lng".
        { name: 'location', type: 'geo:point', value: '135.4936, 34.8318' },
        { name: 'refDevice', type: 'Relationship', value: 'urn:ngsi-ld:Device:toyono-aq-7' },
        { name: 'sensorModel', type: 'Text', value: 'AQ-100' },
      ],
    },
  ],
};

interface Exchange {
  method: string;
  url: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: string;
}

/** A pass-through HTTP proxy in front of the broker that records every exchange. */
async function recordingProxy(target: string): Promise<{ url: string; log: Exchange[]; close: () => Promise<void> }> {
  const log: Exchange[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const back: Buffer[] = [];
          up.on('data', (c: Buffer) => back.push(c));
          up.on('end', () => {
            const body = Buffer.concat(back);
            log.push({
              method: req.method ?? '',
              url: req.url ?? '',
              requestHeaders: req.headers,
              requestBody: requestBody.toString('utf8'),
              status: up.statusCode ?? 0,
              responseHeaders: up.headers,
              responseBody: body.toString('utf8'),
            });
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(body);
          });
        },
      );
      out.on('error', (err) => {
        res.writeHead(502).end(String(err));
      });
      out.end(requestBody);
    });
  });
  const port = await listen(server, 0);
  return { url: `http://127.0.0.1:${port}`, log, close: () => close(server) };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A free loopback port (the agent's north-bound server does not expose the port it got). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s, 0);
  await close(s);
  return port;
}

const cb = <T = void>(fn: (done: (err?: unknown, v?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(v as T))));

/** Renders the recorded exchanges for a failure message. */
const show = (log: Exchange[]) =>
  log
    .map((x) => `${x.method} ${x.url} ${JSON.stringify(x.requestHeaders)}\n${x.requestBody}\n→ ${x.status} ${x.responseBody}`)
    .join('\n\n');

describeEachEngine('iotagent-node-lib (NGSI-LD mode, memory registry) writes entities the broker returns correctly', (engine) => {
  let hub: Hub;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let contextServer: Server;
  let contextUrl = '';
  let agentUrl = '';
  const tenant = uniqueTenant('iota');
  let api: ApiClient;
  let apiLd: ApiClient;

  beforeAll(async () => {
    hub = await startTestHub(engine());
    proxy = await recordingProxy(hub.url);
    contextServer = createServer((req, res) => {
      if (req.url === '/context.jsonld') res.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify(USER_CONTEXT));
      else res.writeHead(404).end();
    });
    contextUrl = `http://127.0.0.1:${await listen(contextServer, 0)}/context.jsonld`;
    api = new ApiClient(hub.url, { 'NGSILD-Tenant': tenant }, checkAgainstOpenApi);
    apiLd = api.with({ Link: `<${contextUrl}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"` });

    const agentPort = await freePort();
    agentUrl = `http://127.0.0.1:${agentPort}`;
    const broker = new URL(proxy.url);
    await cb((done) =>
      iotAgentLib.activate(
        {
          logLevel: process.env['TSUNAGU_TEST_LOG'] ? 'DEBUG' : 'FATAL',
          contextBroker: { host: broker.hostname, port: broker.port, ngsiVersion: 'ld', jsonLdContext: contextUrl },
          server: { port: agentPort, host: '127.0.0.1' },
          deviceRegistry: { type: 'memory' },
          types: {},
          service: tenant,
          subservice: '/',
          providerUrl: agentUrl,
          dieOnUnexpectedError: true,
        },
        done,
      ),
    );
  });

  afterAll(async () => {
    if (iotAgentLib.clearAll) await cb((done) => iotAgentLib.clearAll!(done));
    await cb((done) => iotAgentLib.deactivate(done));
    await proxy?.close();
    if (contextServer) await close(contextServer);
    await hub?.stop();
  });

  async function device(): Promise<IotaDevice> {
    return cb<IotaDevice>((done) => iotAgentLib.getDevice(DEVICE_ID, undefined, tenant, '/', done));
  }

  /** What iotagent-json passes on for a payload like {"t": "21.5", "h": 0.55, …}. */
  async function measure(values: Record<string, unknown>): Promise<void> {
    const d = await device();
    const measures = Object.entries(values).map(([name, value]) => ({ name, type: 'Text', value }));
    await cb((done) => iotAgentLib.update(d.name, d.type, '', measures, d, done));
  }

  it('provisions a device through the agent north-bound API (no broker call needed yet)', async () => {
    const before = proxy.log.length;
    const res = await fetch(`${agentUrl}/iot/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'fiware-service': tenant, 'fiware-servicepath': '/' },
      body: JSON.stringify(PROVISIONING),
    });
    expect(res.status).toBe(201);
    const d = await device();
    expect(d.name).toBe(ENTITY_ID);
    expect(d.type).toBe('AirQualityObserved');
    // In NGSI-LD mode the agent creates the entity with the first measure; a device without lazy
    // attributes or commands needs no csourceRegistration either.
    expect(show(proxy.log.slice(before))).toBe('');
  });

  let firstObservedAt = '';
  let createdAt = '';

  it('creates the entity on the first measure (batch upsert → 201 with the created id)', async () => {
    const before = proxy.log.length;
    await measure({ t: '21.5', h: '0.55', n: '17', d: '2026-11-25T09:00:00Z' });

    const sent = proxy.log.slice(before);
    expect(sent).toHaveLength(1);
    const x = sent[0]!;
    expect({ method: x.method, url: x.url }).toEqual({ method: 'POST', url: '/ngsi-ld/v1/entityOperations/upsert/?options=update' });
    expect(x.requestHeaders['ngsild-tenant']).toBe(tenant);
    expect(x.requestHeaders['content-type']).toMatch(/^application\/ld\+json/);
    const body = JSON.parse(x.requestBody) as Record<string, any>[];
    expect(body[0]!['@context']).toBe(contextUrl);
    // Clause 5.6.8 / 6.15.3.1: created entities → 201 with an array of their ids.
    expect({ status: x.status, body: x.responseBody }).toEqual({ status: 201, body: JSON.stringify([ENTITY_ID]) });

    // Read back in the agent's vocabulary (its @context as Link header).
    const r = await apiLd.get(`${E}/${enc(ENTITY_ID)}`);
    expect(r.status).toBe(200);
    const e = r.body;
    expect(e.id).toBe(ENTITY_ID);
    expect(e.type).toBe('AirQualityObserved');
    expect(e.temperature).toMatchObject({ type: 'Property', value: 21.5, unitCode: 'CEL' });
    expect(typeof e.temperature.value).toBe('number');
    expect(e.relativeHumidity).toMatchObject({ type: 'Property', value: 0.55 });
    expect(e.no2).toMatchObject({ type: 'Property', value: 17 });
    expect(e.dateObserved).toMatchObject({ type: 'Property', value: '2026-11-25T09:00:00.000Z' });
    expect(e.location).toEqual(expect.objectContaining({ type: 'GeoProperty', value: { type: 'Point', coordinates: [135.4936, 34.8318] } }));
    expect(e.refDevice).toEqual(expect.objectContaining({ type: 'Relationship', object: 'urn:ngsi-ld:Device:toyono-aq-7' }));
    expect(e.sensorModel).toMatchObject({ type: 'Property', value: 'AQ-100' });
    // timestamp: true → every attribute carries observedAt (from the agent's TimeInstant).
    firstObservedAt = e.temperature.observedAt;
    expect(Date.parse(firstObservedAt)).not.toBeNaN();
    for (const name of ['relativeHumidity', 'no2', 'dateObserved', 'location', 'refDevice', 'sensorModel']) {
      expect(e[name].observedAt).toBe(firstObservedAt);
    }
    // TimeInstant is metadata in NGSI-LD, never an attribute of its own.
    expect(e.TimeInstant).toBeUndefined();

    // Without the agent's @context the same attributes appear under their full IRIs.
    const expanded = await api.get(`${E}/${enc(ENTITY_ID)}?options=keyValues`);
    expect(expanded.status).toBe(200);
    expect(expanded.body.type).toBe(`${SDM}AirQualityObserved`);
    expect(expanded.body['https://smartdatamodels.org/temperature']).toBe(21.5);
    expect(expanded.body[`${SDM}no2`]).toBe(17);

    const sys = await apiLd.get(`${E}/${enc(ENTITY_ID)}?options=sysAttrs&attrs=temperature`);
    createdAt = sys.body.createdAt;
    expect(Date.parse(createdAt)).not.toBeNaN();
  });

  it('finds the entity by type and by a query on what the agent wrote', async () => {
    const q = await apiLd.get(`${E}?type=AirQualityObserved&q=temperature>20;no2==17&count=true&options=keyValues`);
    expect(q.status).toBe(200);
    expect(q.headers.get('ngsild-results-count')).toBe('1');
    expect(q.body).toEqual([
      expect.objectContaining({ id: ENTITY_ID, type: 'AirQualityObserved', temperature: 21.5, relativeHumidity: 0.55, refDevice: 'urn:ngsi-ld:Device:toyono-aq-7' }),
    ]);
    const near = await apiLd.get(`${E}?type=AirQualityObserved&georel=near;maxDistance==500&geometry=Point&coordinates=[135.494,34.832]`);
    expect(near.status).toBe(200);
    expect(near.body.map((x: { id: string }) => x.id)).toEqual([ENTITY_ID]);
  });

  it('updates the entity on the next measure (batch upsert → 204) and the broker returns the change', async () => {
    await new Promise((r) => setTimeout(r, 5)); // so the new TimeInstant differs
    const before = proxy.log.length;
    await measure({ t: '23.25', n: '31' });

    const sent = proxy.log.slice(before);
    expect(sent).toHaveLength(1);
    // Clause 6.15.3.1: all entities existed and were updated → 204 No Content.
    expect({ url: sent[0]!.url, status: sent[0]!.status, body: sent[0]!.responseBody }).toEqual({
      url: '/ngsi-ld/v1/entityOperations/upsert/?options=update',
      status: 204,
      body: '',
    });

    const r = await apiLd.get(`${E}/${enc(ENTITY_ID)}?options=sysAttrs`);
    expect(r.status).toBe(200);
    const e = r.body;
    expect(e.temperature).toMatchObject({ type: 'Property', value: 23.25, unitCode: 'CEL' });
    expect(e.no2).toMatchObject({ type: 'Property', value: 31 });
    expect(Date.parse(e.temperature.observedAt)).toBeGreaterThan(Date.parse(firstObservedAt));
    // options=update keeps the attributes the agent did not send this time.
    expect(e.relativeHumidity).toMatchObject({ type: 'Property', value: 0.55, observedAt: firstObservedAt });
    expect(e.dateObserved).toMatchObject({ value: '2026-11-25T09:00:00.000Z' });
    expect(e.refDevice).toMatchObject({ type: 'Relationship', object: 'urn:ngsi-ld:Device:toyono-aq-7' });
    expect(e.location.value).toEqual({ type: 'Point', coordinates: [135.4936, 34.8318] });
    expect(e.createdAt).toBe(createdAt);
    expect(Date.parse(e.modifiedAt)).toBeGreaterThan(Date.parse(createdAt));

    const q = await apiLd.get(`${E}?type=AirQualityObserved&q=temperature>23&count=true`);
    expect(q.headers.get('ngsild-results-count')).toBe('1');
  });

  it('keeps the agent tenant apart: nothing of it in the default tenant', async () => {
    const other = new ApiClient(hub.url, {}, checkAgainstOpenApi);
    const r = await other.get(`${E}/${enc(ENTITY_ID)}`);
    expect(r.status).toBe(404);
  });

  it('got only successful answers from the broker', () => {
    const failed = proxy.log.filter((x) => x.status >= 300);
    expect(show(failed)).toBe('');
  });
});
