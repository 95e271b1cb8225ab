/** Writes rendered entities to a response in the accepted media type. */
import type { Response } from 'express';
import type { StoredEntity } from '../model/entity.js';
import { renderEntity, renderFeature, type RenderOptions } from '../model/render.js';
import { announceContext, withContext, type RequestScope } from './request-scope.js';

/** Sends one entity (or GeoJSON Feature). */
export function sendEntity(res: Response, scope: RequestScope, e: StoredEntity, render: RenderOptions, geometryProperty?: string): void {
  announceContext(res, scope);
  if (scope.accept === 'geo') {
    const feature = renderFeature(e, scope.terms, render, geometryProperty ? scope.terms.expandTerm(geometryProperty) : undefined);
    // GeoJSON has no Link-header convention of its own, so the @context also travels in the body.
    res.send(JSON.stringify({ ...feature, '@context': scope.responseContext }));
    return;
  }
  res.send(JSON.stringify(withContext(renderEntity(e, scope.terms, render), scope)));
}

/** Sends a list of entities (or a GeoJSON FeatureCollection). */
export function sendEntities(res: Response, scope: RequestScope, list: readonly StoredEntity[], render: RenderOptions, geometryProperty?: string): void {
  announceContext(res, scope);
  if (scope.accept === 'geo') {
    const geo = geometryProperty ? scope.terms.expandTerm(geometryProperty) : undefined;
    res.send(JSON.stringify({ type: 'FeatureCollection', features: list.map((e) => renderFeature(e, scope.terms, render, geo)), '@context': scope.responseContext }));
    return;
  }
  res.send(JSON.stringify(list.map((e) => withContext(renderEntity(e, scope.terms, render), scope))));
}
