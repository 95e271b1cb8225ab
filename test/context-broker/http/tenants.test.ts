import { describeEachEngine, uniqueTenant } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';

describeEachEngine('tenants are isolated and exist from their first write', (engine) => {
  const broker = useBroker(engine);

  it('keeps entities of one tenant invisible to another and to the default tenant', async () => {
    const a = broker.api().with({ 'NGSILD-Tenant': uniqueTenant('a') });
    const b = broker.api().with({ 'NGSILD-Tenant': uniqueTenant('b') });
    const id = 'urn:ngsi-ld:AirQualityObserved:tenant-1';
    expect((await a.post(E, toyonoSensor(id, 1))).status).toBe(201);
    expect((await b.post(E, toyonoSensor(id, 2))).status).toBe(201);
    expect((await a.get(`${E}/${enc(id)}?options=keyValues`)).body.temperature).toBe(1);
    expect((await b.get(`${E}/${enc(id)}?options=keyValues`)).body.temperature).toBe(2);
    const q = await a.get(`${E}?type=AirQualityObserved&count=true`);
    expect(q.headers.get('ngsild-tenant')).toMatch(/^a/);
    expect(q.headers.get('ngsild-results-count')).toBe('1');
  });

  it('answers 404 NonexistentTenant for reads of a tenant never written to', async () => {
    const ghost = broker.api().with({ 'NGSILD-Tenant': uniqueTenant('ghost') });
    const r = await ghost.get(`${E}?type=AirQualityObserved`);
    expect(r.status).toBe(404);
    expect(r.body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/NonexistentTenant');
  });
});
