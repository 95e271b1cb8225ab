import { describeEachEngine } from '../../support/engines.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const T = '/ngsi-ld/v1/types';
const A = '/ngsi-ld/v1/attributes';

describeEachEngine('type and attribute discovery, and data classes', (engine) => {
  const broker = useBroker(engine);

  beforeAll(async () => {
    await broker.api().post('/ngsi-ld/v1/entityOperations/create', [
      toyonoSensor('urn:ngsi-ld:AirQualityObserved:d1'),
      toyonoSensor('urn:ngsi-ld:AirQualityObserved:d2'),
      { id: 'urn:ngsi-ld:Beacon:d3', type: 'Beacon', rssi: { type: 'Property', value: -70 }, refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:gw' } },
    ]);
  });

  it('lists the types', async () => {
    const r = await broker.api().get(T);
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('EntityTypeList');
    expect(r.body.id).toMatch(/^urn:ngsi-ld:EntityTypeList:/);
    expect(r.body.typeList).toEqual(['AirQualityObserved', 'Beacon']);
  });

  it('lists types with their attributes when details=true', async () => {
    const r = await broker.api().get(`${T}?details=true`);
    const beacon = r.body.find((t: { typeName: string }) => t.typeName === 'Beacon');
    expect(beacon).toEqual({ id: 'https://uri.etsi.org/ngsi-ld/default-context/Beacon', type: 'EntityType', typeName: 'Beacon', attributeNames: ['refDevice', 'rssi'] });
  });

  it('describes one type with counts, attribute kinds and its data class', async () => {
    const r = await broker.api().get(`${T}/AirQualityObserved`);
    expect(r.body).toMatchObject({ type: 'EntityTypeInfo', typeName: 'AirQualityObserved', entityCount: 2, dataClass: 'limited' });
    const kinds = Object.fromEntries(r.body.attributeDetails.map((a: { attributeName: string; attributeTypes: string[] }) => [a.attributeName, a.attributeTypes]));
    expect(kinds).toEqual({ temperature: ['Property'], location: ['GeoProperty'], refDevice: ['Relationship'] });
    expect((await broker.api().get(`${T}/Nothing`)).status).toBe(404);
  });

  it('lists attributes and describes one', async () => {
    const list = await broker.api().get(A);
    expect(list.body.attributeList).toEqual(['location', 'refDevice', 'rssi', 'temperature']);
    const one = await broker.api().get(`${A}/refDevice`);
    expect(one.body).toMatchObject({ type: 'Attribute', attributeName: 'refDevice', attributeCount: 3, attributeTypes: ['Relationship'], typeNames: ['AirQualityObserved', 'Beacon'] });
  });

  it('sets a data class with a reason, and refuses a bad one', async () => {
    const set = await broker.api().put(`${T}/Beacon/dataClass`, { dataClass: 'personal', reason: 'BLE tags are worn by children' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ type: 'Beacon', dataClass: 'personal', previous: 'limited' });
    expect((await broker.api().get(`${T}/Beacon`)).body.dataClass).toBe('personal');
    const bad = await broker.api().put(`${T}/Beacon/dataClass`, { dataClass: 'public', reason: 'typo' });
    expect(bad.status).toBe(400);
    const noReason = await broker.api().put(`${T}/Beacon/dataClass`, { dataClass: 'open' });
    expect(noReason.status).toBe(400);
    expect((await broker.api().get(`${T}/Beacon/dataClass`)).body.dataClass).toBe('personal');
  });
});
