/** Checks every NGSI-LD API response a test receives against openapi/ngsi-ld.yaml. */
import type { ApiResponse } from './hub.js';
import { assertMatchesOpenApi } from './openapi.js';

const UNDOCUMENTED = /documents no [A-Z]+ operation|no path in the document matches/;

/** ResponseCheck for ApiClient: validates responses of documented APIs. */
export function checkAgainstOpenApi(method: string, path: string, r: ApiResponse): void {
  const pathOnly = path.split('?')[0]!;
  if (!pathOnly.startsWith('/ngsi-ld/v1') && !['/health', '/ready'].includes(pathOnly)) return;
  try {
    assertMatchesOpenApi('ngsi-ld', {
      method,
      path: pathOnly,
      status: r.status,
      contentType: r.headers.get('content-type') ?? undefined,
      body: r.body,
    });
  } catch (err) {
    // A method or path the API does not have is answered with a problem (400/404/405), which has
    // no operation to be documented under; it must still be a well-formed NGSI-LD problem.
    if (!UNDOCUMENTED.test((err as Error).message) || r.status < 400 || r.status >= 500) throw err;
    const b = r.body as { type?: unknown; title?: unknown; status?: unknown } | undefined;
    if (typeof b?.type !== 'string' || !b.type.startsWith('https://uri.etsi.org/ngsi-ld/errors/') || typeof b.title !== 'string' || b.status !== r.status) {
      throw new Error(`undocumented ${method} ${pathOnly} answered ${r.status} without an NGSI-LD problem body: ${r.text}`);
    }
  }
}
