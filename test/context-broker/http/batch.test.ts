import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const B = '/ngsi-ld/v1/entityOperations';
const E = '/ngsi-ld/v1/entities';
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';
const sensor = (n: number, t = 20) => toyonoSensor(`urn:ngsi-ld:AirQualityObserved:batch-${n}`, t);

describeEachEngine('batch operations', (engine) => {
  const broker = useBroker(engine);
  const kv = async (n: number) => (await broker.api().get(`${E}/${enc(`urn:ngsi-ld:AirQualityObserved:batch-${n}`)}?options=keyValues`)).body;

  it('creates a batch and answers 201 with the ids', async () => {
    const r = await broker.api().post(`${B}/create`, [sensor(1), sensor(2)]);
    expect(r.status).toBe(201);
    expect(r.body).toEqual(['urn:ngsi-ld:AirQualityObserved:batch-1', 'urn:ngsi-ld:AirQualityObserved:batch-2']);
  });

  it('reports existing ids and invalid entries in a 207 and creates the rest', async () => {
    const r = await broker.api().post(`${B}/create`, [sensor(1), sensor(3), { id: 'urn:ngsi-ld:X:bad', type: 'X', a: { type: 'Property' } }]);
    expect(r.status).toBe(207);
    expect(r.body.success).toEqual(['urn:ngsi-ld:AirQualityObserved:batch-3']);
    const errs = Object.fromEntries(r.body.errors.map((e: { entityId: string; error: { type: string } }) => [e.entityId, e.error.type]));
    expect(errs).toEqual({ 'urn:ngsi-ld:AirQualityObserved:batch-1': ERR + 'AlreadyExists', 'urn:ngsi-ld:X:bad': ERR + 'BadRequestData' });
  });

  it('upserts: 201 with the created ids, then 204 when all existed', async () => {
    const created = await broker.api().post(`${B}/upsert`, [sensor(4, 1), sensor(5, 1)]);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(['urn:ngsi-ld:AirQualityObserved:batch-4', 'urn:ngsi-ld:AirQualityObserved:batch-5']);
    const replaced = await broker.api().post(`${B}/upsert`, [sensor(4, 2), sensor(5, 3)]);
    expect(replaced.status).toBe(204);
    expect((await kv(4)).temperature).toBe(2);
    expect((await kv(5)).temperature).toBe(3);
  });

  it('upserts with options=update keeping attributes not mentioned', async () => {
    await broker.api().post(`${B}/upsert`, [sensor(6, 1)]);
    const r = await broker.api().post(`${B}/upsert?options=update`, [{ id: 'urn:ngsi-ld:AirQualityObserved:batch-6', type: 'AirQualityObserved', humidity: { type: 'Property', value: 70 } }]);
    expect(r.status).toBe(204);
    const e = await kv(6);
    expect(e.temperature).toBe(1);
    expect(e.humidity).toBe(70);
  });

  it('updates existing entities and reports unknown ones', async () => {
    await broker.api().post(`${B}/create`, [sensor(7)]);
    const r = await broker.api().post(`${B}/update`, [
      { id: 'urn:ngsi-ld:AirQualityObserved:batch-7', temperature: { type: 'Property', value: 33 } },
      { id: 'urn:ngsi-ld:AirQualityObserved:batch-unknown', temperature: { type: 'Property', value: 1 } },
    ]);
    expect(r.status).toBe(207);
    expect(r.body.success).toEqual(['urn:ngsi-ld:AirQualityObserved:batch-7']);
    expect(r.body.errors[0].error.type).toBe(ERR + 'ResourceNotFound');
    expect((await kv(7)).temperature).toBe(33);
  });

  it('reports attributes kept by options=noOverwrite in a 207 and adds the new ones', async () => {
    await broker.api().post(`${B}/create`, [sensor(12)]);
    const r = await broker.api().post(`${B}/update?options=noOverwrite`, [
      { id: 'urn:ngsi-ld:AirQualityObserved:batch-12', temperature: { type: 'Property', value: 99 }, pm25: { type: 'Property', value: 8 } },
    ]);
    expect(r.status).toBe(207);
    expect(r.body.errors[0].error.detail).toMatch(/temperature/);
    const e = await kv(12);
    expect(e.temperature).toBe(20);
    expect(e.pm25).toBe(8);
  });

  it('adds types given in a batch update (multi-typing)', async () => {
    await broker.api().post(`${B}/create`, [sensor(13)]);
    expect((await broker.api().post(`${B}/update`, [{ id: 'urn:ngsi-ld:AirQualityObserved:batch-13', type: 'Device', pm25: { type: 'Property', value: 1 } }])).status).toBe(204);
    expect((await kv(13)).type).toEqual(['AirQualityObserved', 'Device']);
  });

  it('merges a batch', async () => {
    await broker.api().post(`${B}/create`, [sensor(8)]);
    const r = await broker.api().post(`${B}/merge`, [{ id: 'urn:ngsi-ld:AirQualityObserved:batch-8', temperature: { value: 12 }, refDevice: 'urn:ngsi-ld:null' }]);
    expect(r.status).toBe(204);
    const e = await kv(8);
    expect(e.temperature).toBe(12);
    expect(e.refDevice).toBeUndefined();
  });

  it('deletes a batch and reports ids that did not exist', async () => {
    await broker.api().post(`${B}/create`, [sensor(9), sensor(10)]);
    const ok = await broker.api().post(`${B}/delete`, ['urn:ngsi-ld:AirQualityObserved:batch-9']);
    expect(ok.status).toBe(204);
    const partial = await broker.api().post(`${B}/delete`, ['urn:ngsi-ld:AirQualityObserved:batch-10', 'urn:ngsi-ld:AirQualityObserved:batch-9', 'not a uri', 'urn:ngsi-ld:AirQualityObserved:batch-10']);
    expect(partial.status).toBe(207);
    expect(partial.body.success).toEqual(['urn:ngsi-ld:AirQualityObserved:batch-10']);
    expect(partial.body.errors).toHaveLength(3);
  });

  it('refuses an empty batch, a non-array and an oversized batch without writing', async () => {
    expect((await broker.api().post(`${B}/create`, [])).status).toBe(400);
    expect((await broker.api().post(`${B}/upsert`, sensor(11))).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => sensor(1000 + i));
    const r = await broker.api().post(`${B}/upsert`, many);
    expect([400, 413]).toContain(r.status);
    expect((await broker.api().get(`${E}/${enc('urn:ngsi-ld:AirQualityObserved:batch-1000')}`)).status).toBe(404);
  });
});
