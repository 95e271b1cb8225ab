import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';

describeEachEngine('entities: create, retrieve, replace, merge, delete', (engine) => {
  const broker = useBroker(engine);

  it('creates an entity and answers 201 with its Location', async () => {
    const r = await broker.api().post(E, toyonoSensor('urn:ngsi-ld:AirQualityObserved:create-1'));
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:create-1');
  });

  it('returns the entity in normalized form as it was sent', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:read-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('link')).toContain('rel="http://www.w3.org/ns/json-ld#context"');
    expect(r.body).toEqual(toyonoSensor(id));
  });

  it('returns keyValues and concise representations', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:read-2';
    await broker.api().post(E, toyonoSensor(id, 18));
    const kv = await broker.api().get(`${E}/${enc(id)}?options=keyValues`);
    expect(kv.body).toEqual({
      id,
      type: 'AirQualityObserved',
      temperature: 18,
      location: { type: 'Point', coordinates: [135.4484, 34.8282] },
      refDevice: 'urn:ngsi-ld:Device:toyono-aq-1',
    });
    const concise = await broker.api().get(`${E}/${enc(id)}?format=concise`);
    expect(concise.body).toEqual({
      id,
      type: 'AirQualityObserved',
      temperature: { value: 18, unitCode: 'CEL', observedAt: '2026-11-25T09:00:00.000Z' },
      location: { type: 'Point', coordinates: [135.4484, 34.8282] },
      refDevice: { object: 'urn:ngsi-ld:Device:toyono-aq-1' },
    });
  });

  it('accepts an entity in concise form and stores it as normalized', async () => {
    const id = 'urn:ngsi-ld:Building:concise-1';
    const r = await broker.api().post(E, {
      id,
      type: 'Building',
      name: 'Toyono Town Hall',
      floors: { value: 4, unitCode: 'C62' },
      owner: { object: 'urn:ngsi-ld:Organization:toyono' },
      location: { type: 'Point', coordinates: [135.4936, 34.8318] },
    });
    expect(r.status).toBe(201);
    const back = await broker.api().get(`${E}/${enc(id)}`);
    expect(back.body.name).toEqual({ type: 'Property', value: 'Toyono Town Hall' });
    expect(back.body.floors).toEqual({ type: 'Property', value: 4, unitCode: 'C62' });
    expect(back.body.owner).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:Organization:toyono' });
    expect(back.body.location.type).toBe('GeoProperty');
  });

  it('keeps every attribute kind: Language, Vocab, Json, List and ListRelationship', async () => {
    const id = 'urn:ngsi-ld:Shelter:kinds-1';
    const entity = {
      id,
      type: 'EvacuationShelter',
      name: { type: 'LanguageProperty', languageMap: { ja: '豊能町役場', en: 'Toyono Town Hall' } },
      category: { type: 'VocabProperty', vocab: 'school' },
      extra: { type: 'JsonProperty', json: { anything: ['goes', 1, { deep: true }] } },
      capacities: { type: 'ListProperty', valueList: [120, 80] },
      sites: { type: 'ListRelationship', objectList: [{ object: 'urn:ngsi-ld:Site:a' }, { object: 'urn:ngsi-ld:Site:b' }] },
    };
    expect((await broker.api().post(E, entity)).status).toBe(201);
    const back = await broker.api().get(`${E}/${enc(id)}`);
    expect(back.body.name).toEqual(entity.name);
    expect(back.body.category).toEqual({ type: 'VocabProperty', vocab: 'school' });
    expect(back.body.extra).toEqual(entity.extra);
    expect(back.body.capacities).toEqual(entity.capacities);
    expect(back.body.sites).toEqual(entity.sites);
    const kv = await broker.api().get(`${E}/${enc(id)}?options=keyValues`);
    expect(kv.body.sites).toEqual(['urn:ngsi-ld:Site:a', 'urn:ngsi-ld:Site:b']);
    const en = await broker.api().get(`${E}/${enc(id)}?lang=en`);
    expect(en.body.name).toEqual({ type: 'Property', value: 'Toyono Town Hall', lang: 'en' });
  });

  it('keeps sub-attributes and multi-attributes with datasetId', async () => {
    const id = 'urn:ngsi-ld:WaterMeter:multi-1';
    const entity = {
      id,
      type: 'WaterMeter',
      reading: [
        { type: 'Property', value: 1200, datasetId: 'urn:ngsi-ld:Dataset:daily', accuracy: { type: 'Property', value: 0.5 } },
        { type: 'Property', value: 35000, datasetId: 'urn:ngsi-ld:Dataset:monthly' },
      ],
    };
    expect((await broker.api().post(E, entity)).status).toBe(201);
    const back = await broker.api().get(`${E}/${enc(id)}`);
    expect(back.body.reading).toEqual(entity.reading);
  });

  it('shows createdAt and modifiedAt with options=sysAttrs', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:sys-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().get(`${E}/${enc(id)}?options=sysAttrs`);
    expect(r.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(r.body.modifiedAt).toBe(r.body.createdAt);
    expect(r.body.temperature.createdAt).toBe(r.body.createdAt);
  });

  it('projects attributes with attrs, pick and omit', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:proj-1';
    await broker.api().post(E, toyonoSensor(id));
    const attrs = await broker.api().get(`${E}/${enc(id)}?attrs=temperature`);
    expect(Object.keys(attrs.body).sort()).toEqual(['id', 'temperature', 'type']);
    const pick = await broker.api().get(`${E}/${enc(id)}?pick=id,temperature`);
    expect(Object.keys(pick.body).sort()).toEqual(['id', 'temperature']);
    const omit = await broker.api().get(`${E}/${enc(id)}?omit=location,refDevice`);
    expect(Object.keys(omit.body).sort()).toEqual(['id', 'temperature', 'type']);
  });

  it('refuses malformed projections and answers 404 when none of the asked attributes exist', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:proj-2';
    await broker.api().post(E, toyonoSensor(id));
    for (const bad of ['pick=id;name', 'pick=%7Bname', 'omit=name%7D%7D', 'attrs=temperature&omit=location', 'pick=,']) {
      const r = await broker.api().get(`${E}/${enc(id)}?${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
    }
    expect((await broker.api().get(`${E}/${enc(id)}?attrs=nothing`)).status).toBe(404);
    expect((await broker.api().get(`${E}/${enc(id)}?pick=nothing`)).status).toBe(404);
    expect((await broker.api().get(`${E}/${enc('urn:ngsi-ld:Nothing:1')}?format=fancy`)).status).toBe(400);
  });

  it('answers 409 AlreadyExists for a second create with the same id and keeps the first', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:dup-1';
    await broker.api().post(E, toyonoSensor(id, 10));
    const r = await broker.api().post(E, toyonoSensor(id, 99));
    expect(r.status).toBe(409);
    expect(r.body.type).toBe(ERR + 'AlreadyExists');
    expect((await broker.api().get(`${E}/${enc(id)}?options=keyValues`)).body.temperature).toBe(10);
  });

  it('answers 404 ResourceNotFound for an unknown entity', async () => {
    const r = await broker.api().get(`${E}/${enc('urn:ngsi-ld:Nothing:here')}`);
    expect(r.status).toBe(404);
    expect(r.body.type).toBe(ERR + 'ResourceNotFound');
  });

  it('replaces an entity whole with PUT, keeping createdAt', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:put-1';
    await broker.api().post(E, toyonoSensor(id));
    const before = await broker.api().get(`${E}/${enc(id)}?options=sysAttrs`);
    const r = await broker.api().put(`${E}/${enc(id)}`, { type: 'AirQualityObserved', humidity: { type: 'Property', value: 55 } });
    expect(r.status).toBe(204);
    const after = await broker.api().get(`${E}/${enc(id)}?options=sysAttrs`);
    expect(after.body.temperature).toBeUndefined();
    expect(after.body.humidity.value).toBe(55);
    expect(after.body.createdAt).toBe(before.body.createdAt);
  });

  it('merge-patches an entity: adds, merges and deletes with urn:ngsi-ld:null', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:merge-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().patch(`${E}/${enc(id)}`, {
      temperature: { value: 25 },
      humidity: { type: 'Property', value: 60 },
      refDevice: 'urn:ngsi-ld:null',
    });
    expect(r.status).toBe(204);
    const after = await broker.api().get(`${E}/${enc(id)}`);
    expect(after.body.temperature).toEqual({ type: 'Property', value: 25, unitCode: 'CEL', observedAt: '2026-11-25T09:00:00.000Z' });
    expect(after.body.humidity.value).toBe(60);
    expect(after.body.refDevice).toBeUndefined();
  });

  it('deletes an entity, then answers 404 for it', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:del-1';
    await broker.api().post(E, toyonoSensor(id));
    expect((await broker.api().delete(`${E}/${enc(id)}`)).status).toBe(204);
    expect((await broker.api().get(`${E}/${enc(id)}`)).status).toBe(404);
    expect((await broker.api().delete(`${E}/${enc(id)}`)).status).toBe(404);
  });

  it('answers GeoJSON for Accept: application/geo+json', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:geo-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().get(`${E}/${enc(id)}?options=keyValues`, { accept: 'application/geo+json' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(r.body).toMatchObject({ id, type: 'Feature', geometry: { type: 'Point', coordinates: [135.4484, 34.8282] } });
    expect(r.body.properties.temperature).toBe(21.5);
    expect(r.body['@context']).toBe('https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld');
  });

  it('embeds the @context when the client accepts application/ld+json', async () => {
    const id = 'urn:ngsi-ld:AirQualityObserved:ld-1';
    await broker.api().post(E, toyonoSensor(id));
    const r = await broker.api().get(`${E}/${enc(id)}`, { accept: 'application/ld+json' });
    expect(r.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    expect(r.body['@context']).toBeDefined();
    expect(r.headers.get('link')).toBeNull();
  });
});
