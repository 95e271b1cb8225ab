/** The NGSI-LD OpenAPI document: well-formed 3.1, complete against the route files, and usable by assertMatchesOpenApi. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { assertMatchesOpenApi, HTTP_METHODS, matchPathTemplate, openApiDocument, openApiOperations, pickPathTemplate, schemaProblems } from '../support/openapi.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const docUrl = new URL('../../openapi/ngsi-ld.yaml', import.meta.url);
const src = (rel: string) => new URL(`../../src/${rel}`, import.meta.url);

/** Route files of the broker and the prefix each router is mounted under (see broker.ts). */
const ROUTE_FILES: Array<{ file: URL; prefix: string }> = [
  { file: src('context-broker/http/entities-routes.ts'), prefix: '/ngsi-ld/v1' },
  { file: src('context-broker/http/batch-routes.ts'), prefix: '/ngsi-ld/v1' },
  { file: src('context-broker/http/discovery-routes.ts'), prefix: '/ngsi-ld/v1' },
  { file: src('context-broker/jsonld/jsonld-contexts-routes.ts'), prefix: '/ngsi-ld/v1/jsonldContexts' },
];

/** `METHOD /path/{param}` for every `r.get('/…'` style registration in a route file. */
function registeredRoutes(file: URL, prefix: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/\b\w+\.(get|post|put|patch|delete)\(\s*(['"`])([^'"`]*)\2/g)) {
    const path = (prefix + (m[3] === '/' ? '' : m[3]!)).replace(/:(\w+)/g, '{$1}');
    out.push(`${m[1]!.toUpperCase()} ${path}`);
  }
  return out;
}

/** Path with parameter names blanked, so `{attrId}` and `{attrName}` compare equal. */
const shape = (route: string) => route.replace(/\{[^}]+\}/g, '{}');

function walkRefs(node: unknown, at: string, out: Array<{ at: string; ref: string }>): void {
  if (Array.isArray(node)) node.forEach((n, i) => walkRefs(n, `${at}/${i}`, out));
  else if (isObj(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else walkRefs(v, `${at}/${k}`, out);
    }
  }
}

function resolvePointer(doc: Json, ref: string): unknown {
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObj(node) ? node[token] : undefined;
  }
  return node;
}

const problem = (name: string, status: number, detail = 'something specific') => ({
  type: `https://uri.etsi.org/ngsi-ld/errors/${name}`,
  title: 'A title',
  status,
  detail,
});

describe('openapi/ngsi-ld.yaml', () => {
  const doc = parse(readFileSync(docUrl, 'utf8')) as Json;
  const ops = openApiOperations('ngsi-ld');

  test('parses as OpenAPI 3.1 with the local server', () => {
    expect(String(doc['openapi'])).toMatch(/^3\.1\.\d+$/);
    expect(isObj(doc['info'])).toBe(true);
    expect((doc['servers'] as Array<{ url: string }>).map((s) => s.url)).toContain('http://localhost:1026');
    expect(openApiDocument('ngsi-ld')).toEqual(doc);
  });

  test('every operation has a unique operationId and a one-line summary', () => {
    const paths = doc['paths'] as Record<string, Json>;
    const ids: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isObj(op)) continue;
        expect({ at: `${method} ${path}`, operationId: typeof op['operationId'] }).toEqual({ at: `${method} ${path}`, operationId: 'string' });
        expect({ at: `${method} ${path}`, summaryOk: typeof op['summary'] === 'string' && op['summary'] !== '' && !op['summary'].includes('\n') }).toEqual({ at: `${method} ${path}`, summaryOk: true });
        ids.push(op['operationId'] as string);
      }
    }
    expect(ids.length).toBe(ops.length);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('every $ref resolves', () => {
    const refs: Array<{ at: string; ref: string }> = [];
    walkRefs(doc, '#', refs);
    expect(refs.length).toBeGreaterThan(50);
    const broken = refs.filter(({ ref }) => !ref.startsWith('#/') || resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  test('every component schema compiles', () => {
    const schemas = (doc['components'] as Json)['schemas'] as Json;
    for (const name of Object.keys(schemas)) {
      expect(() => schemaProblems('ngsi-ld', `#/components/schemas/${name}`, {})).not.toThrow();
    }
  });

  test('every route the broker registers is documented, and nothing more', () => {
    const documented = new Set(ops.map((o) => shape(`${o.method} ${o.pathTemplate}`)));
    const registered: string[] = [];
    for (const { file, prefix } of ROUTE_FILES) {
      if (existsSync(file)) registered.push(...registeredRoutes(file, prefix));
    }
    expect(registered.length).toBeGreaterThanOrEqual(22);
    expect(registered.filter((r) => !documented.has(shape(r)))).toEqual([]);

    // Each documented NGSI-LD operation has its route (jsonldContexts only once its file exists).
    const have = new Set(registered.map(shape));
    const contextsWritten = existsSync(ROUTE_FILES[3]!.file);
    const extra = ops
      .filter((o) => o.pathTemplate.startsWith('/ngsi-ld/v1/'))
      .filter((o) => contextsWritten || !o.pathTemplate.startsWith('/ngsi-ld/v1/jsonldContexts'))
      .map((o) => `${o.method} ${o.pathTemplate}`)
      .filter((r) => !have.has(shape(r)));
    expect(extra).toEqual([]);
  });

  test('the hub routes outside the broker are documented', () => {
    const app = readFileSync(src('core/http/app.ts'), 'utf8');
    const hubRoutes = registeredRoutes(src('core/http/app.ts'), '');
    expect(app).toContain("app.get('/health'");
    expect(hubRoutes).toEqual(expect.arrayContaining(['GET /health', 'GET /ready']));
    const documented = new Set(ops.map((o) => `${o.method} ${o.pathTemplate}`));
    for (const r of [...hubRoutes, 'GET /openapi', 'GET /openapi/ngsi-ld.yaml', 'GET /openapi/ngsi-ld.json']) {
      expect({ route: r, documented: documented.has(r) }).toEqual({ route: r, documented: true });
    }
  });

  test('every NGSI-LD operation documents its common errors as application/json problems', () => {
    const paths = doc['paths'] as Record<string, Json>;
    for (const [path, item] of Object.entries(paths)) {
      if (!path.startsWith('/ngsi-ld/v1/')) continue;
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isObj(op)) continue;
        const responses = op['responses'] as Json;
        // The @context store does not negotiate representations, so it never answers 406.
        const common = path.startsWith('/ngsi-ld/v1/jsonldContexts') ? ['400', '413', '415', '500'] : ['400', '406', '413', '415', '500'];
        for (const status of common) {
          expect({ at: `${method} ${path}`, status, documented: responses[status] !== undefined }).toEqual({ at: `${method} ${path}`, status, documented: true });
        }
        for (const [status, resp] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const r = resolvePointer(doc, (resp as { $ref: string }).$ref) as Json;
          expect({ at: `${method} ${path} ${status}`, media: Object.keys(r['content'] as Json) }).toEqual({ at: `${method} ${path} ${status}`, media: ['application/json'] });
        }
      }
    }
  });

  test('tsunagu extensions are marked', () => {
    const paths = doc['paths'] as Record<string, Json>;
    const dataClass = paths['/ngsi-ld/v1/types/{type}/dataClass']!;
    expect((dataClass['get'] as Json)['x-tsunagu-extension']).toBe(true);
    expect((dataClass['put'] as Json)['x-tsunagu-extension']).toBe(true);
    const schemas = (doc['components'] as Json)['schemas'] as Record<string, Json>;
    expect(schemas['DataClass']!['x-tsunagu-extension']).toBe(true);
    expect(schemas['DataClass']!['enum']).toEqual(['open', 'limited', 'personal']);
  });
});

describe('assertMatchesOpenApi', () => {
  const json = 'application/json; charset=utf-8';

  test('matches paths with encoded entity ids, preferring literal segments', () => {
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/entities/urn%3Angsi-ld%3AX%3A1')).toBe('/ngsi-ld/v1/entities/{entityId}');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/entities/urn:ngsi-ld:X:1/attrs/temperature')).toBe('/ngsi-ld/v1/entities/{entityId}/attrs/{attrId}');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/entities/http%3A%2F%2Fexample.org%2Fe%2F1/attrs')).toBe('/ngsi-ld/v1/entities/{entityId}/attrs');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/types/Beacon/dataClass')).toBe('/ngsi-ld/v1/types/{type}/dataClass');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/entityOperations/upsert?options=update')).toBe('/ngsi-ld/v1/entityOperations/upsert');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/entities/')).toBe('/ngsi-ld/v1/entities');
    expect(matchPathTemplate('ngsi-ld', '/ngsi-ld/v1/nothing/here/at/all')).toBeUndefined();
    const templates = ['/x/{a}/{b}', '/x/{a}/c', '/x/b/{c}', '/x/{a}'];
    expect(pickPathTemplate(templates, '/x/b/c')).toBe('/x/b/{c}');
    expect(pickPathTemplate(templates, '/x/z/c')).toBe('/x/{a}/c');
    expect(pickPathTemplate(templates, '/x/z/y')).toBe('/x/{a}/{b}');
    expect(pickPathTemplate(templates, '/x/urn%3Ax%2Fy')).toBe('/x/{a}');
    expect(pickPathTemplate(templates, '/x//c')).toBeUndefined();
  });

  test('accepts a valid ProblemDetails', () => {
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', {
        method: 'GET',
        path: '/ngsi-ld/v1/entities/urn%3Angsi-ld%3AX%3A1',
        status: 404,
        contentType: json,
        body: problem('ResourceNotFound', 404, 'entity urn:ngsi-ld:X:1 does not exist'),
      }),
    ).not.toThrow();
  });

  test('accepts a BatchOperationResult', () => {
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', {
        method: 'POST',
        path: '/ngsi-ld/v1/entityOperations/create',
        status: 207,
        contentType: json,
        body: {
          success: ['urn:ngsi-ld:X:1'],
          errors: [
            { entityId: 'urn:ngsi-ld:X:2', error: problem('AlreadyExists', 409) },
            { entityId: '', error: problem('BadRequestData', 400) },
          ],
        },
      }),
    ).not.toThrow();
  });

  test('accepts bodiless and entity answers', () => {
    expect(() => assertMatchesOpenApi('ngsi-ld', { method: 'POST', path: '/ngsi-ld/v1/entities', status: 201, contentType: undefined, body: undefined })).not.toThrow();
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', {
        method: 'GET',
        path: '/ngsi-ld/v1/entities/urn:ngsi-ld:X:1',
        status: 200,
        contentType: 'application/ld+json; charset=utf-8',
        body: {
          '@context': 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld',
          id: 'urn:ngsi-ld:X:1',
          type: 'X',
          temperature: { type: 'Property', value: 21.5, unitCode: 'CEL' },
          location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [135.4, 34.8] } },
        },
      }),
    ).not.toThrow();
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', {
        method: 'GET',
        path: '/ngsi-ld/v1/entities',
        status: 200,
        contentType: 'application/geo+json',
        body: { type: 'FeatureCollection', features: [{ id: 'urn:ngsi-ld:X:1', type: 'Feature', geometry: null, properties: { type: 'X' } }] },
      }),
    ).not.toThrow();
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'GET', path: '/ready', status: 503, contentType: json, body: { status: 'unavailable', detail: 'storage is down' } }),
    ).not.toThrow();
  });

  test('rejects a BatchOperationResult of the wrong shape, naming each mismatch', () => {
    let message = '';
    try {
      assertMatchesOpenApi('ngsi-ld', {
        method: 'POST',
        path: '/ngsi-ld/v1/entityOperations/upsert',
        status: 207,
        contentType: json,
        body: { success: 'urn:ngsi-ld:X:1', errors: [{ entityId: 'urn:ngsi-ld:X:2', error: { title: 'no type' } }], extra: true },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('upsertBatch');
    expect(message).toContain('body/success must be array');
    expect(message).toContain("must have required property 'type'");
    expect(message).toContain('must NOT have additional properties');
  });

  test('rejects a problem with a status or type that does not fit the response', () => {
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'POST', path: '/ngsi-ld/v1/entities', status: 409, contentType: json, body: problem('ResourceNotFound', 404) }),
    ).toThrow(/status must be equal to constant/);
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'POST', path: '/ngsi-ld/v1/entities', status: 400, contentType: json, body: { ...problem('BadRequestData', 400), code: 'broker.badRequestData' } }),
    ).toThrow(/must NOT have additional properties/);
  });

  test('rejects an undeclared media type, a missing body and an unexpected body', () => {
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'POST', path: '/ngsi-ld/v1/entities', status: 400, contentType: 'application/problem+json', body: problem('BadRequestData', 400) }),
    ).toThrow(/Content-Type application\/problem\+json is not declared/);
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'GET', path: '/ngsi-ld/v1/types', status: 200, contentType: json, body: undefined }),
    ).toThrow(/declares a application\/json body/);
    expect(() =>
      assertMatchesOpenApi('ngsi-ld', { method: 'DELETE', path: '/ngsi-ld/v1/entities/urn:x', status: 204, contentType: json, body: { id: 'urn:x' } }),
    ).toThrow(/has no body, but it has one/);
  });

  test('fails clearly for an undocumented path, method or status', () => {
    expect(() => assertMatchesOpenApi('ngsi-ld', { method: 'GET', path: '/ngsi-ld/v1/nothing', status: 404, contentType: json, body: undefined })).toThrow(
      /no path in the document matches GET \/ngsi-ld\/v1\/nothing/,
    );
    expect(() => assertMatchesOpenApi('ngsi-ld', { method: 'PATCH', path: '/ngsi-ld/v1/entities', status: 404, contentType: json, body: undefined })).toThrow(
      /documents no PATCH operation \(only GET, POST\)/,
    );
    expect(() => assertMatchesOpenApi('ngsi-ld', { method: 'GET', path: '/health', status: 418, contentType: json, body: {} })).toThrow(
      /getHealth .* documents no response 418/,
    );
  });
});
