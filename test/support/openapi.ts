/**
 * Checks real HTTP responses against the hub's OpenAPI documents: the operation (method + path
 * template), the documented status, the media type and the body's JSON Schema (ajv, 2020-12).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction, ErrorObject } from 'ajv/dist/2020.js';

export type OpenApiDocName = 'ngsi-ld';

export interface CheckedResponse {
  method: string;
  /** Actual request path, e.g. /ngsi-ld/v1/entities/urn:x (a query string is ignored). */
  path: string;
  status: number;
  contentType: string | undefined;
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
}

export interface OpenApiOperation {
  method: string;
  pathTemplate: string;
  operationId: string;
}

type Json = Record<string, unknown>;

const DOC_FILES: Record<OpenApiDocName, URL> = {
  'ngsi-ld': new URL('../../openapi/ngsi-ld.yaml', import.meta.url),
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

// ajv ships as CommonJS; under NodeNext the default import is the module object.
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default ?? Ajv2020Module;
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default ?? addFormatsModule;

interface LoadedDoc {
  doc: Json;
  /** The $id under which the whole document is registered with ajv. */
  id: string;
  ajv: InstanceType<typeof Ajv2020>;
  validators: Map<string, ValidateFunction>;
  templates: string[];
}

const loaded = new Map<OpenApiDocName, LoadedDoc>();

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Escapes one JSON Pointer token (RFC 6901) and percent-encodes it for use in a URI fragment. */
function pointerToken(token: string): string {
  return encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** Reads a local JSON Pointer ("#/a/b") out of the document. */
function atPointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`only local $refs are supported, not ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Follows `$ref`s of non-schema objects (responses, parameters); returns the object and its pointer. */
function deref(doc: Json, value: unknown, pointer: string): { value: unknown; pointer: string } {
  const seen = new Set<string>();
  while (isObj(value) && typeof value['$ref'] === 'string') {
    const ref = value['$ref'];
    if (seen.has(ref)) throw new Error(`$ref cycle at ${ref}`);
    seen.add(ref);
    pointer = ref;
    value = atPointer(doc, ref);
    if (value === undefined) throw new Error(`$ref ${ref} does not resolve`);
  }
  return { value, pointer };
}

/** Loads, parses and registers a document once. */
function load(name: OpenApiDocName): LoadedDoc {
  const cached = loaded.get(name);
  if (cached) return cached;
  const doc = parse(readFileSync(DOC_FILES[name], 'utf8')) as Json;
  const id = `https://tsunagu.invalid/openapi/${name}.json`;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, id);
  const paths = isObj(doc['paths']) ? doc['paths'] : {};
  const templates = Object.keys(paths);
  const entry: LoadedDoc = { doc, id, ajv, validators: new Map(), templates };
  loaded.set(name, entry);
  return entry;
}

/** The parsed document, for tests that inspect it. */
export function openApiDocument(name: OpenApiDocName): Json {
  return load(name).doc;
}

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);

/** Picks the template an actual path matches, preferring literal segments over {params} from the left. */
export function pickPathTemplate(templates: readonly string[], actualPath: string): string | undefined {
  // Split before decoding, so an encoded '/' inside an entity id stays inside its segment.
  const segments = splitPath(actualPath.split('?')[0]!.split('#')[0]!).map(decodeSegment);
  let best: { template: string; score: string } | undefined;
  for (const template of templates) {
    const wanted = splitPath(template);
    if (wanted.length !== segments.length) continue;
    let ok = true;
    let score = '';
    for (let i = 0; i < segments.length && ok; i++) {
      const want = wanted[i]!;
      const got = segments[i]!;
      if (isParam(want)) {
        ok = got !== '';
        score += '0';
      } else {
        ok = want === got;
        score += '1';
      }
    }
    // Compare left to right: a literal segment beats a parameter at the first place they differ.
    if (ok && (!best || score > best.score)) best = { template, score };
  }
  return best?.template;
}

/** Finds the path template of a document that an actual path matches. */
export function matchPathTemplate(name: OpenApiDocName, actualPath: string): string | undefined {
  return pickPathTemplate(load(name).templates, actualPath);
}

/** Every operation of a document with its method, path template and operationId. */
export function openApiOperations(doc: OpenApiDocName): Array<{ method: string; pathTemplate: string; operationId: string }> {
  const { doc: d } = load(doc);
  const out: OpenApiOperation[] = [];
  for (const [pathTemplate, item] of Object.entries(isObj(d['paths']) ? d['paths'] : {})) {
    if (!isObj(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      out.push({ method: method.toUpperCase(), pathTemplate, operationId: typeof op['operationId'] === 'string' ? op['operationId'] : '' });
    }
  }
  return out;
}

/** Finds the media type key a response Content-Type matches (exact, then type/*, then any). */
function matchMediaType(declared: string[], contentType: string): string | undefined {
  const actual = contentType.split(';')[0]!.trim().toLowerCase();
  const lower = declared.map((d) => d.toLowerCase());
  const exact = lower.indexOf(actual);
  if (exact >= 0) return declared[exact];
  const wildcard = lower.indexOf(actual.split('/')[0] + '/*');
  if (wildcard >= 0) return declared[wildcard];
  const any = lower.indexOf('*/*');
  return any >= 0 ? declared[any] : undefined;
}

const isJsonMedia = (mediaType: string) => /^application\/(?:[\w.-]+\+)?json$/i.test(mediaType.split(';')[0]!.trim());

/** Compiles (once) the validator for the schema at a JSON Pointer of the document. */
function validatorAt(d: LoadedDoc, pointer: string): ValidateFunction {
  let v = d.validators.get(pointer);
  if (!v) {
    v = d.ajv.compile({ $ref: d.id + pointer });
    d.validators.set(pointer, v);
  }
  return v;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  const list = errors ?? [];
  // anyOf/oneOf report every branch; keep the list readable but complete.
  return list.map((e) => `body${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`);
}

/** Validates a value against a schema of the document given by JSON Pointer; returns the problems. */
export function schemaProblems(name: OpenApiDocName, pointer: string, value: unknown): string[] {
  const d = load(name);
  const v = validatorAt(d, pointer);
  return v(value) ? [] : formatErrors(v.errors);
}

/** Throws an Error listing every way a response departs from the OpenAPI document. */
export function assertMatchesOpenApi(doc: OpenApiDocName, r: CheckedResponse): void {
  const d = load(doc);
  const method = r.method.toLowerCase();
  const where = `${r.method.toUpperCase()} ${r.path} → ${r.status}`;
  const template = matchPathTemplate(doc, r.path);
  if (!template) throw new Error(`OpenAPI (${doc}): no path in the document matches ${r.method.toUpperCase()} ${r.path}`);
  const paths = d.doc['paths'] as Json;
  const item = paths[template] as Json;
  const op = item[method];
  if (!isObj(op)) {
    const methods = HTTP_METHODS.filter((m) => isObj(item[m])).map((m) => m.toUpperCase());
    throw new Error(`OpenAPI (${doc}): ${template} documents no ${r.method.toUpperCase()} operation (only ${methods.join(', ') || 'none'}), for ${where}`);
  }
  const opName = typeof op['operationId'] === 'string' ? op['operationId'] : `${method} ${template}`;
  const responses = isObj(op['responses']) ? op['responses'] : {};
  const status = String(r.status);
  const key = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((k) => responses[k] !== undefined);
  if (!key) {
    throw new Error(`OpenAPI (${doc}): ${opName} (${r.method.toUpperCase()} ${template}) documents no response ${status} (documented: ${Object.keys(responses).join(', ')}), for ${where}; body ${JSON.stringify(r.body)}`);
  }
  const base = `#/paths/${pointerToken(template)}/${method}/responses/${pointerToken(key)}`;
  const { value: response, pointer } = deref(d.doc, responses[key], base);
  const problems: string[] = [];
  const content = isObj(response) && isObj(response['content']) ? response['content'] : undefined;
  if (!content || Object.keys(content).length === 0) {
    if (r.body !== undefined) problems.push(`the document says response ${key} has no body, but it has one: ${JSON.stringify(r.body)}`);
  } else {
    const declared = Object.keys(content);
    if (r.contentType === undefined || r.contentType.trim() === '') {
      problems.push(`the response has no Content-Type; the document declares ${declared.join(', ')}`);
    } else {
      const mediaType = matchMediaType(declared, r.contentType);
      if (!mediaType) {
        problems.push(`Content-Type ${r.contentType} is not declared for response ${key} (declared: ${declared.join(', ')})`);
      } else {
        const media = content[mediaType];
        const hasSchema = isObj(media) && media['schema'] !== undefined;
        if (r.body === undefined) {
          if (isJsonMedia(mediaType)) problems.push(`the document declares a ${mediaType} body for response ${key}, but the response has none`);
        } else if (hasSchema) {
          const schemaPointer = `${pointer}/content/${pointerToken(mediaType)}/schema`;
          problems.push(...schemaProblems(doc, schemaPointer, r.body));
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `OpenAPI (${doc}): ${where} does not match ${opName} (${r.method.toUpperCase()} ${template}, response ${key}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n  body: ${JSON.stringify(r.body)?.slice(0, 2000)}`,
    );
  }
}
