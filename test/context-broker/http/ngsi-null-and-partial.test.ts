// Regressions found by the ETSI conformance suite (055_02, 012_01, 012_05-07, 011_07-09, 056_03-05).
import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';
const NULL = 'urn:ngsi-ld:null';

function vehicle(id: string) {
  return {
    id,
    type: 'Vehicle',
    speed: [
      { type: 'Property', value: 55 },
      { type: 'Property', value: 40, datasetId: 'urn:ngsi-ld:Dataset:gps' },
    ],
    isParked: { type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:toyono-1', providedBy: { type: 'Relationship', object: 'urn:ngsi-ld:Person:a' } },
    name: { type: 'LanguageProperty', languageMap: { ja: '町営バス', en: 'Town bus' } },
    brand: { type: 'Property', value: 'Mercedes', accuracy: { type: 'Property', value: 0.9 } },
  };
}

describeEachEngine('NGSI-LD Null deletes; partial updates keep what they do not name', (engine) => {
  const broker = useBroker(engine);
  let n = 0;
  const fresh = async () => {
    const id = `urn:ngsi-ld:Vehicle:null-${++n}`;
    expect((await broker.api().post(E, vehicle(id))).status).toBe(201);
    return id;
  };
  const get = async (id: string) => (await broker.api().get(`${E}/${enc(id)}`)).body;

  it('replaces only the addressed instance with PUT …/attrs/{attr}, keeping the other datasetIds', async () => {
    const id = await fresh();
    expect((await broker.api().put(`${E}/${enc(id)}/attrs/speed`, { type: 'Property', value: 60 })).status).toBe(204);
    expect((await get(id)).speed).toEqual([{ type: 'Property', value: 60 }, { type: 'Property', value: 40, datasetId: 'urn:ngsi-ld:Dataset:gps' }]);
    const r = await broker.api().put(`${E}/${enc(id)}/attrs/speed`, { type: 'Property', value: 41, datasetId: 'urn:ngsi-ld:Dataset:gps' });
    expect(r.status).toBe(204);
    expect((await get(id)).speed).toEqual([{ type: 'Property', value: 60 }, { type: 'Property', value: 41, datasetId: 'urn:ngsi-ld:Dataset:gps' }]);
  });

  it('updates only a sub-attribute of a Relationship, keeping its object', async () => {
    const id = await fresh();
    const r = await broker.api().patch(`${E}/${enc(id)}/attrs/isParked`, { providedBy: { type: 'Relationship', object: 'urn:ngsi-ld:Person:b' } });
    expect(r.status).toBe(204);
    expect((await get(id)).isParked).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:toyono-1', providedBy: { type: 'Relationship', object: 'urn:ngsi-ld:Person:b' } });
  });

  it('refuses a partial update that would change the attribute type', async () => {
    const id = await fresh();
    const r = await broker.api().patch(`${E}/${enc(id)}/attrs/brand`, { type: 'Relationship', object: 'urn:ngsi-ld:Brand:x' });
    expect(r.status).toBe(400);
    expect((await get(id)).brand.value).toBe('Mercedes');
  });

  it('deletes an attribute given the NGSI-LD Null in a partial update, or only the datasetId instance', async () => {
    const id = await fresh();
    expect((await broker.api().patch(`${E}/${enc(id)}/attrs/speed`, { value: NULL, datasetId: 'urn:ngsi-ld:Dataset:gps' })).status).toBe(204);
    expect((await get(id)).speed).toEqual({ type: 'Property', value: 55 });
    expect((await broker.api().patch(`${E}/${enc(id)}/attrs/brand`, { type: 'Property', value: NULL })).status).toBe(204);
    expect((await get(id)).brand).toBeUndefined();
  });

  it('deletes with the NGSI-LD Null in PATCH …/attrs, including a languageMap {"@none": null}', async () => {
    const id = await fresh();
    const r = await broker.api().patch(`${E}/${enc(id)}/attrs`, { name: { type: 'LanguageProperty', languageMap: { '@none': NULL } }, isParked: { type: 'Relationship', object: NULL } });
    expect(r.status).toBe(204);
    const e = await get(id);
    expect(e.name).toBeUndefined();
    expect(e.isParked).toBeUndefined();
  });

  it('merge-patch deletes sub-attributes and instances given the NGSI-LD Null, and keeps the rest', async () => {
    const id = await fresh();
    const r = await broker.api().patch(`${E}/${enc(id)}`, {
      brand: { accuracy: NULL },
      speed: { type: 'Property', value: NULL, datasetId: 'urn:ngsi-ld:Dataset:gps' },
      location: { type: 'GeoProperty', value: NULL },
    });
    expect(r.status).toBe(204);
    const e = await get(id);
    expect(e.brand).toEqual({ type: 'Property', value: 'Mercedes' });
    expect(e.speed).toEqual({ type: 'Property', value: 55 });
  });

  it('refuses a merge that creates an attribute from a fragment with no value', async () => {
    const id = await fresh();
    const r = await broker.api().patch(`${E}/${enc(id)}`, { colour: { accuracy: { type: 'Property', value: 1 } } });
    expect(r.status).toBe(400);
    expect((await get(id)).colour).toBeUndefined();
  });

  it('merges a batch with the NGSI-LD Null', async () => {
    const id = await fresh();
    const r = await broker.api().post('/ngsi-ld/v1/entityOperations/merge', [{ id, brand: NULL, isParked: { providedBy: NULL } }]);
    expect(r.status).toBe(204);
    const e = await get(id);
    expect(e.brand).toBeUndefined();
    expect(e.isParked).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:toyono-1' });
  });
});
