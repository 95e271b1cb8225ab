/** Checks every NGSI-LD API response a test receives against openapi/ngsi-ld.yaml. */
import type { ApiResponse } from './hub.js';
import { assertMatchesOpenApi } from './openapi.js';

/** ResponseCheck for ApiClient: validates responses of documented APIs. */
export function checkAgainstOpenApi(method: string, path: string, r: ApiResponse): void {
  const pathOnly = path.split('?')[0]!;
  if (!pathOnly.startsWith('/ngsi-ld/v1') && !['/health', '/ready'].includes(pathOnly)) return;
  assertMatchesOpenApi('ngsi-ld', {
    method,
    path: pathOnly,
    status: r.status,
    contentType: r.headers.get('content-type') ?? undefined,
    body: r.body,
  });
}
