/** Serves the OpenAPI documents of the hub's HTTP APIs under /openapi. */
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { parse } from 'yaml';

const DOCS: Record<string, URL> = {
  'ngsi-ld': new URL('../../openapi/ngsi-ld.yaml', import.meta.url),
};

/** Builds the router serving each document as YAML and JSON. */
export function openApiRouter(): Router {
  const r = Router();
  // List the documents.
  r.get('/', (_req, res) => {
    res.json(Object.keys(DOCS).map((name) => ({ name, yaml: `/openapi/${name}.yaml`, json: `/openapi/${name}.json` })));
  });
  for (const [name, url] of Object.entries(DOCS)) {
    let text: string | undefined;
    const load = () => (text ??= readFileSync(url, 'utf8'));
    // The document as YAML.
    r.get(`/${name}.yaml`, (_req, res) => {
      res.type('application/yaml').send(load());
    });
    // The document as JSON.
    r.get(`/${name}.json`, (_req, res) => {
      res.json(parse(load()));
    });
  }
  return r;
}
