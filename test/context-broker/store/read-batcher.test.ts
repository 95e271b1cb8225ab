import { describeEachEngine, uniqueTenant } from '../../support/engines.js';
import { EntityStore } from '../../../src/context-broker/store/entity-store.js';
import { ReadBatcher } from '../../../src/context-broker/store/read-batcher.js';
import type { SqlExecutor } from '../../../src/core/index.js';

const T0 = '2026-11-25T09:00:00.000Z';
const entity = (n: number) => ({ id: `urn:ngsi-ld:Meter:${n}`, types: ['https://example.org/Meter'], attrs: {}, createdAt: T0, modifiedAt: T0 });

describeEachEngine('reads by id merged while one is running', (engine) => {
  const store = new EntityStore();
  const tenant = uniqueTenant();

  beforeAll(async () => {
    await store.write(engine(), tenant, Array.from({ length: 50 }, (_, i) => entity(i)));
  });

  it('answers every concurrent read correctly with fewer statements than reads', async () => {
    let statements = 0;
    const counting: SqlExecutor = { query: (text, params) => (statements++, engine().query(text, params)) };
    const batcher = new ReadBatcher(counting, store);
    const ids = [...Array.from({ length: 40 }, (_, i) => `urn:ngsi-ld:Meter:${i}`), 'urn:ngsi-ld:Meter:7', 'urn:ngsi-ld:Meter:missing'];
    const results = await Promise.all(ids.map((id) => batcher.get(tenant, id)));
    expect(results.slice(0, 40).map((e) => e?.id)).toEqual(ids.slice(0, 40));
    expect(results[40]).toEqual(results[7]);
    expect(results[40]).not.toBe(results[7]);
    expect(results[41]).toBeUndefined();
    expect(statements).toBeLessThan(ids.length / 4);
  });

  it('passes a database failure to every read of the failed statement', async () => {
    const failing: SqlExecutor = { query: () => Promise.reject(new Error('storage down')) };
    const batcher = new ReadBatcher(failing, store);
    await expect(Promise.all([batcher.get(tenant, 'urn:ngsi-ld:Meter:1'), batcher.get(tenant, 'urn:ngsi-ld:Meter:2')])).rejects.toThrow('storage down');
  });
});
