/** Link headers for paging through query results (clause 5.5.9: rel="next" / rel="prev"). */
import type { Request } from 'express';
import type { EntityQuery, QueryPage } from '../store/entity-store.js';

/** The Link header value for the next and previous pages, or undefined when there are none. */
export function paginationLinks(req: Request, q: EntityQuery, page: QueryPage): string | undefined {
  if (q.limit === 0) return undefined;
  const links: string[] = [];
  const base = req.originalUrl.split('?')[0];
  const make = (offset: number, rel: string) => {
    const params = new URLSearchParams(req.query as Record<string, string>);
    params.set('offset', String(offset));
    params.set('limit', String(q.limit));
    links.push(`<${base}?${params.toString()}>; rel="${rel}"; type="application/json"`);
  };
  const more = page.count !== undefined ? q.offset + page.entities.length < page.count : page.entities.length === q.limit;
  if (more) make(q.offset + q.limit, 'next');
  if (q.offset > 0) make(Math.max(0, q.offset - q.limit), 'prev');
  return links.length > 0 ? links.join(', ') : undefined;
}
