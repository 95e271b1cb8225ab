/** Per-suite broker fixture: a hub on the suite's engine, a tenant of its own, an API client. */
import type { SqlEngine } from '../../../src/core/index.js';
import type { Hub } from '../../../src/cli/index.js';
import { ApiClient, startTestHub } from '../../support/hub.js';
import { uniqueTenant } from '../../support/engines.js';
import { checkAgainstOpenApi } from '../../support/openapi-check.js';

export interface BrokerFixture {
  hub: () => Hub;
  /** Client for a tenant unique to this suite. */
  api: () => ApiClient;
  tenant: () => string;
}

/** Starts one hub for the enclosing describe, and stops it after. */
export function useBroker(engine: () => SqlEngine, settings: Record<string, string> = {}): BrokerFixture {
  let hub: Hub | undefined;
  let api: ApiClient | undefined;
  let tenant = '';
  beforeAll(async () => {
    hub = await startTestHub(engine(), settings);
    tenant = uniqueTenant();
    api = new ApiClient(hub.url, { 'NGSILD-Tenant': tenant }, checkAgainstOpenApi);
  });
  afterAll(async () => {
    await hub?.stop();
  });
  return {
    hub: () => hub!,
    api: () => api!,
    tenant: () => tenant,
  };
}

/** A small Toyono entity in normalized form. */
export function toyonoSensor(id: string, temperature = 21.5, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'AirQualityObserved',
    temperature: { type: 'Property', value: temperature, unitCode: 'CEL', observedAt: '2026-11-25T09:00:00.000Z' },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [135.4484, 34.8282] } },
    refDevice: { type: 'Relationship', object: 'urn:ngsi-ld:Device:toyono-aq-1' },
    ...extra,
  };
}
