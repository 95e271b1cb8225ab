/**
 * NGSI-LD error catalog (ETSI GS CIM 009, clause 5.5.2 / table 5.5.2-1): each error has its type
 * URI, HTTP status and title; `detail` says what was wrong with this request.
 */
import { ProblemError } from '../core/index.js';

const BASE = 'https://uri.etsi.org/ngsi-ld/errors/';

interface ErrorSpec {
  name: string;
  status: number;
  title: string;
}

const specs = {
  invalidRequest: { name: 'InvalidRequest', status: 400, title: 'The request is malformed' },
  badRequestData: { name: 'BadRequestData', status: 400, title: 'The request includes input data which does not meet the requirements of the operation' },
  alreadyExists: { name: 'AlreadyExists', status: 409, title: 'The referred element already exists' },
  operationNotSupported: { name: 'OperationNotSupported', status: 422, title: 'The operation is not supported' },
  resourceNotFound: { name: 'ResourceNotFound', status: 404, title: 'The referred resource has not been found' },
  internalError: { name: 'InternalError', status: 500, title: 'There has been an error during the operation execution' },
  tooComplexQuery: { name: 'TooComplexQuery', status: 403, title: 'The query is too complex to be executed' },
  tooManyResults: { name: 'TooManyResults', status: 403, title: 'The query results in too many results' },
  ldContextNotAvailable: { name: 'LdContextNotAvailable', status: 503, title: 'A remote JSON-LD @context referenced in a request cannot be retrieved' },
  noMultiTenantSupport: { name: 'NoMultiTenantSupport', status: 501, title: 'Multi-tenancy is not supported' },
  nonexistentTenant: { name: 'NonexistentTenant', status: 404, title: 'The addressed tenant does not exist' },
  notImplemented: { name: 'NotImplemented', status: 501, title: 'The requested functionality is not implemented' },
  unsupportedMediaType: { name: 'InvalidRequest', status: 415, title: 'The request media type is not supported' },
  notAcceptable: { name: 'InvalidRequest', status: 406, title: 'None of the requested representations is available' },
  methodNotAllowed: { name: 'InvalidRequest', status: 405, title: 'The method is not allowed on this resource' },
  payloadTooLarge: { name: 'BadRequestData', status: 413, title: 'The request body is too large' },
  serviceUnavailable: { name: 'InternalError', status: 503, title: 'The broker is overloaded or its storage is unavailable' },
} satisfies Record<string, ErrorSpec>;

export type NgsiErrorKind = keyof typeof specs;

/** Builds an NGSI-LD problem of the given kind with a request-specific detail. */
export function ngsiError(kind: NgsiErrorKind, detail: string, extensions?: Record<string, unknown>): ProblemError {
  const spec: ErrorSpec = specs[kind];
  return new ProblemError({
    status: spec.status,
    type: BASE + spec.name,
    title: spec.title,
    code: `broker.${kind}`,
    detail,
    ...(extensions ? { extensions } : {}),
  });
}

/** The NGSI-LD error type URI of a kind, for tests and for batch error entries. */
export function ngsiErrorType(kind: NgsiErrorKind): string {
  return BASE + specs[kind].name;
}
