// The entity store contract: the same SQL must behave the same on every engine.
import { describeEachEngine, uniqueTenant } from '../../support/engines.js';
import { EntityStore } from '../../../src/context-broker/store/entity-store.js';
import type { StoredEntity } from '../../../src/context-broker/model/entity.js';
import { parseQ } from '../../../src/context-broker/query/index.js';
import { parseGeoQueryParams } from '../../../src/context-broker/geo/index.js';

const NS = 'https://uri.etsi.org/ngsi-ld/default-context/';
const LOC = 'https://uri.etsi.org/ngsi-ld/location';
const resolver = { expandAttr: (n: string) => (n === 'location' ? LOC : NS + n) };
const T0 = '2026-11-25T09:00:00.000Z';

function sensor(n: number, temperature: number, lon = 135.49): StoredEntity {
  return {
    id: `urn:ngsi-ld:Sensor:${String(n).padStart(3, '0')}`,
    types: [NS + 'Sensor'],
    attrs: {
      [NS + 'temperature']: [{ type: 'Property', value: temperature, createdAt: T0, modifiedAt: T0 }],
      [LOC]: [{ type: 'GeoProperty', value: { type: 'Point', coordinates: [lon, 34.83] }, createdAt: T0, modifiedAt: T0 }],
    },
    createdAt: T0,
    modifiedAt: T0,
  };
}

describeEachEngine('entity store contract', (engine) => {
  const store = new EntityStore();
  const tenant = uniqueTenant();
  const query = (extra: Record<string, unknown>) => store.query(engine(), tenant, { resolver, limit: 100, offset: 0, count: false, ...extra });

  beforeAll(async () => {
    await store.ensureTenant(engine(), tenant);
    const taken = await store.insert(engine(), tenant, Array.from({ length: 20 }, (_, i) => sensor(i, i, 135.49 + i * 0.001)));
    expect(taken.size).toBe(0);
  });

  it('reads back exactly what it wrote', async () => {
    expect(await store.get(engine(), tenant, 'urn:ngsi-ld:Sensor:003')).toEqual(sensor(3, 3, 135.493));
  });

  it('reports ids that already exist on insert and leaves them untouched', async () => {
    const taken = await store.insert(engine(), tenant, [sensor(1, 99), sensor(100, 1)]);
    expect([...taken]).toEqual(['urn:ngsi-ld:Sensor:001']);
    expect((await store.get(engine(), tenant, 'urn:ngsi-ld:Sensor:001'))!.attrs[NS + 'temperature']![0]!.value).toBe(1);
  });

  it('replaces whole rows on write, including the geometry column', async () => {
    await store.write(engine(), tenant, [sensor(5, 55, 135.6)]);
    const page = await query({ geo: (parseGeoQueryParams({ georel: 'near;maxDistance==100', geometry: 'Point', coordinates: '[135.6,34.83]' }) as { ok: true; value: never }).value });
    expect(page.entities.map((e) => e.id)).toEqual(['urn:ngsi-ld:Sensor:005']);
  });

  it('filters by type, q and count, ordered by id, one page at a time', async () => {
    const q = parseQ('temperature>=15');
    if (!q.ok) throw new Error(q.error);
    const page = await query({ types: [[NS + 'Sensor']], q: q.value, limit: 3, offset: 1, count: true });
    expect(page.entities.map((e) => e.id.slice(-3))).toEqual(['015', '016', '017']);
    expect(page.count).toBe(6);
  });

  it('keeps tenants apart', async () => {
    const other = uniqueTenant();
    expect(await store.get(engine(), other, 'urn:ngsi-ld:Sensor:003')).toBeUndefined();
    expect((await store.query(engine(), other, { resolver, types: [[NS + 'Sensor']], limit: 10, offset: 0, count: true })).count).toBe(0);
    expect(await store.tenantExists(engine(), other)).toBe(false);
    expect(await store.tenantExists(engine(), tenant)).toBe(true);
  });

  it('deletes and tells which ids were there', async () => {
    const gone = await store.delete(engine(), tenant, ['urn:ngsi-ld:Sensor:019', 'urn:ngsi-ld:Sensor:999']);
    expect([...gone]).toEqual(['urn:ngsi-ld:Sensor:019']);
    expect(await store.get(engine(), tenant, 'urn:ngsi-ld:Sensor:019')).toBeUndefined();
  });

  it('locks rows read for update inside a transaction', async () => {
    const read = await engine().transaction((tx) => store.getMany(tx, tenant, ['urn:ngsi-ld:Sensor:002', 'urn:ngsi-ld:Sensor:004'], true));
    expect([...read.keys()].sort()).toEqual(['urn:ngsi-ld:Sensor:002', 'urn:ngsi-ld:Sensor:004']);
  });
});
