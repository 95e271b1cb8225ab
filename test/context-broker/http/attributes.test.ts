import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';

describeEachEngine('entity attributes: append, update, partial update, replace, delete', (engine) => {
  const broker = useBroker(engine);
  const url = (id: string, tail = '') => `${E}/${enc(id)}/attrs${tail}`;

  it('appends new attributes and overwrites existing ones', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:app-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().post(url(id), { humidity: { type: 'Property', value: 40 }, temperature: { type: 'Property', value: 30 } });
    expect(r.status).toBe(204);
    const kv = await broker.api().get(`${E}/${enc(id)}?options=keyValues`);
    expect(kv.body.humidity).toBe(40);
    expect(kv.body.temperature).toBe(30);
  });

  it('keeps existing attributes with options=noOverwrite and reports them in a 207', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:app-2';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().post(url(id) + '?options=noOverwrite', { temperature: { type: 'Property', value: 99 }, pm10: { type: 'Property', value: 12 } });
    expect(r.status).toBe(207);
    expect(r.body.updated).toEqual(['pm10']);
    expect(r.body.notUpdated).toEqual([{ attributeName: 'temperature', reason: expect.any(String) }]);
    expect((await broker.api().get(`${E}/${enc(id)}?options=keyValues`)).body.temperature).toBe(21.5);
  });

  it('updates only existing attributes with PATCH …/attrs and reports the rest', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:upd-1';
    await broker.api().post(E, toyonoSensor(id));
    const ok = await broker.api().patch(url(id), { temperature: { type: 'Property', value: 19 } });
    expect(ok.status).toBe(204);
    const partial = await broker.api().patch(url(id), { temperature: { type: 'Property', value: 20 }, missing: { type: 'Property', value: 1 } });
    expect(partial.status).toBe(207);
    expect(partial.body.notUpdated[0].attributeName).toBe('missing');
    const kv = await broker.api().get(`${E}/${enc(id)}?options=keyValues`);
    expect(kv.body.temperature).toBe(20);
    expect(kv.body.missing).toBeUndefined();
  });

  it('partially updates one attribute, keeping members it does not mention', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:part-1';
    await broker.api().post(E, toyonoSensor(id));
    expect((await broker.api().patch(url(id, '/temperature'), { value: 23.25 })).status).toBe(204);
    const r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body.temperature).toEqual({ type: 'Property', value: 23.25, unitCode: 'CEL', observedAt: '2026-11-25T09:00:00.000Z' });
    expect((await broker.api().patch(url(id, '/nothing'), { value: 1 })).status).toBe(404);
  });

  it('replaces one attribute with PUT …/attrs/{attr}', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:rep-1';
    await broker.api().post(E, toyonoSensor(id));
    expect((await broker.api().put(url(id, '/temperature'), { type: 'Property', value: 5 })).status).toBe(204);
    const r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body.temperature).toEqual({ type: 'Property', value: 5 });
  });

  it('deletes an attribute, one datasetId instance, or all instances', async () => {
    const id = 'urn:ngsi-ld:WaterMeter:del-attr-1';
    await broker.api().post(E, {
      id,
      type: 'WaterMeter',
      reading: [
        { type: 'Property', value: 1 },
        { type: 'Property', value: 2, datasetId: 'urn:ngsi-ld:Dataset:b' },
        { type: 'Property', value: 3, datasetId: 'urn:ngsi-ld:Dataset:c' },
      ],
      status: { type: 'Property', value: 'ok' },
    });
    expect((await broker.api().delete(url(id, '/reading?datasetId=' + enc('urn:ngsi-ld:Dataset:b')))).status).toBe(204);
    let r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body.reading.map((i: { value: number }) => i.value)).toEqual([1, 3]);
    expect((await broker.api().delete(url(id, '/reading'))).status).toBe(204);
    r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body.reading).toEqual({ type: 'Property', value: 3, datasetId: 'urn:ngsi-ld:Dataset:c' });
    expect((await broker.api().delete(url(id, '/reading?deleteAll=true'))).status).toBe(204);
    expect((await broker.api().delete(url(id, '/reading'))).status).toBe(404);
    r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body.reading).toBeUndefined();
    expect(r.body.status.value).toBe('ok');
  });

  it('adds types and sets the scope through append and update, and deletes the scope like an attribute', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:members-1';
    await broker.api().post(E, toyonoSensor(id));
    expect((await broker.api().patch(url(id), { scope: '/Toyono/Kibogaoka' })).status).toBe(207);
    expect((await broker.api().post(url(id), { scope: '/Toyono/Kibogaoka', type: 'Device' })).status).toBe(204);
    let e = (await broker.api().get(`${E}/${enc(id)}`)).body;
    expect(e.scope).toBe('/Toyono/Kibogaoka');
    expect(e.type).toEqual(['AirQualityObserved', 'Device']);
    expect((await broker.api().patch(url(id), { scope: ['/Toyono/Higashinose'] })).status).toBe(204);
    expect((await broker.api().post(url(id) + '?options=noOverwrite', { scope: '/Elsewhere' })).status).toBe(207);
    e = (await broker.api().get(`${E}/${enc(id)}`)).body;
    expect(e.scope).toBe('/Toyono/Higashinose');
    expect((await broker.api().put(url(id, '/scope'), { type: 'Property', value: '/x' })).status).toBe(400);
    expect((await broker.api().delete(url(id, '/scope'))).status).toBe(204);
    expect((await broker.api().get(`${E}/${enc(id)}`)).body.scope).toBeUndefined();
    expect((await broker.api().delete(url(id, '/scope'))).status).toBe(404);
  });

  it('answers 404 when appending to an entity that does not exist', async () => {
    const r = await broker.api().post(url('urn:ngsi-ld:Nothing:x'), { a: { type: 'Property', value: 1 } });
    expect(r.status).toBe(404);
  });
});
