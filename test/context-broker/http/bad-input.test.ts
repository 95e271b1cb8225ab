import { describeEachEngine } from '../../support/engines.js';
import { enc } from '../../support/hub.js';
import { toyonoSensor, useBroker } from './broker-fixture.js';

const E = '/ngsi-ld/v1/entities';
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';

describeEachEngine('bad input gets a clear NGSI-LD error and changes nothing', (engine) => {
  const broker = useBroker(engine, { maxBodyBytes: '4096' });
  const id = 'urn:ngsi-ld:AirQualityObserved:bad-base';

  beforeAll(async () => {
    expect((await broker.api().post(E, toyonoSensor(id, 10))).status).toBe(201);
  });

  afterEach(async () => {
    // Whatever a bad request tried, the entity is as it was.
    const r = await broker.api().get(`${E}/${enc(id)}`);
    expect(r.body).toEqual(toyonoSensor(id, 10));
  });

  const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string, RegExp]> = [
    ['malformed JSON', () => broker.api().post(E, '{"id": "urn:x", "type": ', {}), 400, 'InvalidRequest', /not valid JSON/],
    ['a body that is an array', () => broker.api().post(E, [toyonoSensor(id)]), 400, 'BadRequestData', /JSON object/],
    ['an id that is not a URI', () => broker.api().post(E, { ...toyonoSensor(id), id: 'not a uri' }), 400, 'BadRequestData', /id/],
    ['a missing type', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:1' }), 400, 'BadRequestData', /type: is missing/],
    ['a Property without value', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:2', type: 'X', a: { type: 'Property' } }), 400, 'BadRequestData', /a\.value/],
    ['an unknown attribute type', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:3', type: 'X', a: { type: 'Propety', value: 1 } }), 400, 'BadRequestData', /a\.type/],
    ['a Relationship whose object is not a URI', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:4', type: 'X', r: { type: 'Relationship', object: 'nope' } }), 400, 'BadRequestData', /r\.object/],
    ['an invalid GeoJSON value', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:5', type: 'X', location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [200, 95] } } }), 400, 'BadRequestData', /location\.value/],
    ['a bad observedAt', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:6', type: 'X', a: { type: 'Property', value: 1, observedAt: 'yesterday' } }), 400, 'BadRequestData', /observedAt/],
    ['a forbidden character in an attribute name', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:7', type: 'X', 'a=b': 1 }), 400, 'BadRequestData', /attribute name/],
    ['two instances with the same datasetId', () => broker.api().post(E, { id: 'urn:ngsi-ld:X:8', type: 'X', a: [{ type: 'Property', value: 1 }, { type: 'Property', value: 2 }] }), 400, 'BadRequestData', /two instances/],
    ['an @context in an application/json body', () => broker.api().post(E, { ...toyonoSensor('urn:ngsi-ld:X:9'), '@context': 'https://example.org/c.jsonld' }), 400, 'BadRequestData', /@context/],
    ['application/ld+json without @context', () => broker.api().request('POST', E, { body: toyonoSensor('urn:ngsi-ld:X:10'), contentType: 'application/ld+json' }), 400, 'BadRequestData', /@context/],
    ['an unsupported Content-Type', () => broker.api().request('POST', E, { body: 'id=1', contentType: 'text/plain' }), 415, 'InvalidRequest', /Content-Type/],
    ['a merge-patch body on a create', () => broker.api().request('POST', E, { body: toyonoSensor('urn:ngsi-ld:X:13'), contentType: 'application/merge-patch+json' }), 415, 'InvalidRequest', /merge-patch/],
    ['a body over the size limit', () => broker.api().post(E, { ...toyonoSensor('urn:ngsi-ld:X:11'), big: { type: 'Property', value: 'x'.repeat(5000) } }), 413, 'BadRequestData', /limit/],
    ['a body nested too deep', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 40; i++) deep = { d: deep };
      return broker.api().post(E, { id: 'urn:ngsi-ld:X:12', type: 'X', a: { type: 'Property', value: deep } });
    }, 400, 'BadRequestData', /deeper/],
    ['an unknown query parameter', () => broker.api().get(`${E}/${enc(id)}?colour=red`), 400, 'InvalidRequest', /colour/],
    ['a repeated query parameter', () => broker.api().get(`${E}?type=A&type=B`), 400, 'BadRequestData', /more than once/],
    ['an unknown option', () => broker.api().get(`${E}/${enc(id)}?options=fancy`), 400, 'InvalidRequest', /fancy/],
    ['a query without any filter', () => broker.api().get(E), 400, 'BadRequestData', /at least one of/],
    ['a malformed q', () => broker.api().get(`${E}?type=X&q=${enc('temperature>>1')}`), 400, 'BadRequestData', /q/],
    ['a limit over the maximum', () => broker.api().get(`${E}?type=X&limit=100000`), 403, 'TooManyResults', /limit/],
    ['an invalid idPattern', () => broker.api().get(`${E}?idPattern=${enc('(')}`), 400, 'BadRequestData', /idPattern/],
    ['an idPattern the database cannot run', () => broker.api().get(`${E}?idPattern=${enc('(?<n>x)')}`), 400, 'BadRequestData', /refused/],
    ['a geo-query without coordinates', () => broker.api().get(`${E}?type=X&georel=near;maxDistance==10&geometry=Point`), 400, 'BadRequestData', /coordinates/],
    ['an entity id in the URL that is not a URI', () => broker.api().get(`${E}/not-a-uri`), 400, 'BadRequestData', /not a URI/],
    ['a bad tenant name', () => broker.api().get(`${E}/${enc(id)}`, { 'NGSILD-Tenant': 'bad tenant!' }), 400, 'BadRequestData', /NGSILD-Tenant/],
    ['an Accept nobody can serve', () => broker.api().get(`${E}/${enc(id)}`, { accept: 'text/html' }), 406, 'InvalidRequest', /text\/html/],
    ['an id in a PUT body that differs from the URL', () => broker.api().put(`${E}/${enc(id)}`, { ...toyonoSensor('urn:ngsi-ld:Other:1', 50) }), 400, 'BadRequestData', /does not match/],
    ['a method the resource does not have', () => broker.api().request('PATCH', E, { body: {} }), 405, 'InvalidRequest', /not allowed/],
    ['a missing entity id', () => broker.api().patch(`${E}//attrs`, { a: 1 }), 400, 'BadRequestData', /id in the URL is missing/],
    ['a missing entity id on PUT', () => broker.api().put(`${E}/`, { type: 'X' }), 400, 'BadRequestData', /missing/],
    ['a DELETE without an attribute name', () => broker.api().delete(`${E}/${enc(id)}/attrs/`), 405, 'InvalidRequest', /attribute name/],
    ['an injection attempt in q', () => broker.api().get(`${E}?type=AirQualityObserved&q=${enc("temperature==\"1'; DROP TABLE entity; --\"")}`), 200, '', /.*/],
  ];

  it.each(cases)('refuses %s', async (_name, send, status, type, detail) => {
    const r = await send();
    expect(r.status).toBe(status);
    if (type) {
      expect(r.body.type).toBe(ERR + type);
      expect(r.body.detail).toMatch(detail);
      expect(r.body.title).toEqual(expect.any(String));
    }
  });

  it('creates nothing from a rejected create', async () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) {
      expect((await broker.api().get(`${E}/${enc(`urn:ngsi-ld:X:${n}`)}`)).status).toBe(404);
    }
  });
});
