import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';

/** Ten people-counters along Toyono's main road, ids c00..c09, counts 0, 10, …, 90. */
function counters() {
  return Array.from({ length: 10 }, (_, i) => ({
    id: `urn:ngsi-ld:CrowdFlowObserved:c${String(i).padStart(2, '0')}`,
    type: 'CrowdFlowObserved',
    peopleCount: { type: 'Property', value: i * 10, observedAt: `2026-11-25T0${i}:00:00Z` },
    name: { type: 'Property', value: i % 2 === 0 ? 'Station gate' : 'Shop entrance' },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [135.49 + i * 0.01, 34.83] } },
    ...(i < 3 ? { scope: '/Toyono/Yoshikawa' } : {}),
    ...(i === 9 ? { refCamera: { type: 'Relationship', object: 'urn:ngsi-ld:Camera:9' } } : {}),
  }));
}

describeEachEngine('queries: type, id, idPattern, q, scopeQ, geo, paging', (engine) => {
  const broker = useBroker(engine);
  const ids = async (query: string) => {
    const r = await broker.api().get(`${E}?${query}`);
    expect(r.status).toBe(200);
    return (r.body as Array<{ id: string }>).map((e) => e.id.slice(-3));
  };

  beforeAll(async () => {
    const r = await broker.api().post('/ngsi-ld/v1/entityOperations/create', counters());
    expect(r.status).toBe(201);
    await broker.api().post(E, { id: 'urn:ngsi-ld:Camera:9', type: 'Camera', status: { type: 'Property', value: 'on' } });
  });

  it('selects by type, ordered by id', async () => {
    expect(await ids('type=CrowdFlowObserved&limit=100')).toEqual(['c00', 'c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09']);
    expect(await ids('type=CrowdFlowObserved,Camera&limit=100')).toHaveLength(11);
    expect(await ids('type=Nothing')).toEqual([]);
  });

  it('selects by id list and idPattern', async () => {
    expect(await ids(`id=${enc('urn:ngsi-ld:CrowdFlowObserved:c01,urn:ngsi-ld:CrowdFlowObserved:c05')}`)).toEqual(['c01', 'c05']);
    expect(await ids(`idPattern=${enc('.*:c0[7-9]$')}`)).toEqual(['c07', 'c08', 'c09']);
  });

  it('filters with q: comparisons, ranges, lists, patterns, AND and OR', async () => {
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount>70')}`)).toEqual(['c08', 'c09']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount==20..40')}`)).toEqual(['c02', 'c03', 'c04']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount==10,50')}`)).toEqual(['c01', 'c05']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('name~="^Shop"')}&limit=3`)).toEqual(['c01', 'c03', 'c05']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount<20|peopleCount>80')}`)).toEqual(['c00', 'c01', 'c09']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount>=30;name=="Station gate"')}`)).toEqual(['c04', 'c06', 'c08']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('refCamera=="urn:ngsi-ld:Camera:9"')}`)).toEqual(['c09']);
    expect(await ids(`type=CrowdFlowObserved&q=refCamera`)).toEqual(['c09']);
    expect(await ids(`type=CrowdFlowObserved&q=${enc('peopleCount.observedAt>=2026-11-25T08:00:00Z')}`)).toEqual(['c08', 'c09']);
  });

  it('filters with scopeQ', async () => {
    expect(await ids(`type=CrowdFlowObserved&scopeQ=${enc('/Toyono/#')}`)).toEqual(['c00', 'c01', 'c02']);
  });

  it('finds entities near a point within a distance (metres)', async () => {
    // c00 is at 135.49 E; each next counter is about 914 m further east.
    const near = `type=CrowdFlowObserved&georel=${enc('near;maxDistance==1500')}&geometry=Point&coordinates=${enc('[135.49,34.83]')}`;
    expect(await ids(near)).toEqual(['c00', 'c01']);
    const within = `type=CrowdFlowObserved&georel=within&geometry=Polygon&coordinates=${enc('[[[135.515,34.82],[135.535,34.82],[135.535,34.84],[135.515,34.84],[135.515,34.82]]]')}`;
    expect(await ids(within)).toEqual(['c03', 'c04']);
  });

  it('pages with limit and offset, counts with count=true, and links the next page', async () => {
    const r = await broker.api().get(`${E}?type=CrowdFlowObserved&limit=4&offset=4&count=true`);
    expect(r.body.map((e: { id: string }) => e.id.slice(-3))).toEqual(['c04', 'c05', 'c06', 'c07']);
    expect(r.headers.get('ngsild-results-count')).toBe('10');
    expect(r.headers.get('link')).toContain('rel="next"');
    const countOnly = await broker.api().get(`${E}?type=CrowdFlowObserved&limit=0&count=true`);
    expect(countOnly.body).toEqual([]);
    expect(countOnly.headers.get('ngsild-results-count')).toBe('10');
  });

  it('filters and projects with attrs', async () => {
    const r = await broker.api().get(`${E}?type=CrowdFlowObserved,Camera&attrs=status&limit=100`);
    expect(r.body).toEqual([{ id: 'urn:ngsi-ld:Camera:9', type: 'Camera', status: { type: 'Property', value: 'on' } }]);
  });

  it('answers a POST /entityOperations/query with the same results', async () => {
    const r = await broker.api().post('/ngsi-ld/v1/entityOperations/query?options=keyValues', {
      type: 'Query',
      entities: [{ type: 'CrowdFlowObserved' }],
      q: 'peopleCount>60',
      geoQ: { georel: 'near;maxDistance==20000', geometry: 'Point', coordinates: [135.49, 34.83] },
    });
    expect(r.status).toBe(200);
    expect(r.body.map((e: { peopleCount: number }) => e.peopleCount)).toEqual([70, 80, 90]);
  });

  it('matches each entity selector of a POST query on its own (type with its id)', async () => {
    const r = await broker.api().post('/ngsi-ld/v1/entityOperations/query', {
      type: 'Query',
      entities: [{ type: 'CrowdFlowObserved', id: 'urn:ngsi-ld:CrowdFlowObserved:c01' }, { type: 'Camera' }, { type: 'Camera', id: 'urn:ngsi-ld:CrowdFlowObserved:c02' }],
    });
    expect(r.body.map((e: { id: string }) => e.id)).toEqual(['urn:ngsi-ld:Camera:9', 'urn:ngsi-ld:CrowdFlowObserved:c01']);
    const bad = await broker.api().post('/ngsi-ld/v1/entityOperations/query', { type: 'Query', entities: [{ type: 'Camera' }], colour: 'red' });
    expect(bad.status).toBe(400);
  });

  it('answers 501 for query parameters of the specification it does not implement yet', async () => {
    const r = await broker.api().get(`${E}?type=Camera&join=inline`);
    expect(r.status).toBe(501);
    expect(r.body.type).toBe('https://uri.etsi.org/ngsi-ld/errors/NotImplemented');
  });

  it('returns a GeoJSON FeatureCollection for geo+json', async () => {
    const r = await broker.api().get(`${E}?type=CrowdFlowObserved&limit=2`, { accept: 'application/geo+json' });
    expect(r.body.type).toBe('FeatureCollection');
    expect(r.body.features).toHaveLength(2);
    expect(r.body.features[0].geometry.type).toBe('Point');
    expect(r.body['@context']).toBeDefined();
    const viaPost = await broker.api().request('POST', '/ngsi-ld/v1/entityOperations/query?limit=1', {
      body: { type: 'Query', entities: [{ type: 'CrowdFlowObserved' }] },
      headers: { accept: 'application/geo+json' },
    });
    expect(viaPost.status).toBe(200);
    expect(viaPost.body.features).toHaveLength(1);
  });
});
