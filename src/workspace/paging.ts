/**
 * offset/limit paging over list APIs. A list that comes back short makes the reconciler think a
 * resource is missing and order it again, so paging fails loudly rather than return a partial list.
 */
import { InvalidResponseError, type Redact } from './errors.js';

export interface Page<T> {
  items: T[];
  /** `total_count` (or `total`) when the API returned one. */
  total?: number;
}

export interface PagingOptions<T> {
  operation: string;
  limit: number;
  idOf: (item: T) => string;
  /** A server that keeps returning new full pages past this is broken, not large. */
  maxPages?: number;
  redact?: Redact;
}

export const DEFAULT_MAX_PAGES = 2_000;

/**
 * Fetches pages until an empty page, until `total` items were covered, or (without a total) until a
 * page shorter than `limit`. The offset advances by what was received, so a server that caps `limit`
 * below the request still gets read to the end when it reports a total. Items are de-duplicated by
 * id: a resource created between two pages shifts the window and repeats an item.
 */
export async function collectPages<T>(options: PagingOptions<T>, fetchPage: (offset: number, limit: number) => Promise<Page<T>>): Promise<T[]> {
  const { operation, limit, idOf, maxPages = DEFAULT_MAX_PAGES, redact } = options;
  const seen = new Map<string, T>();
  let offset = 0;
  for (let page = 0; page < maxPages; page++) {
    const { items, total } = await fetchPage(offset, limit);
    if (items.length === 0) return [...seen.values()];
    let fresh = 0;
    for (const item of items) {
      const id = idOf(item);
      if (seen.has(id)) continue;
      seen.set(id, item);
      fresh++;
    }
    if (fresh === 0) {
      throw new InvalidResponseError(operation, `the page at offset ${offset} repeated only items already received; the server seems to ignore offset`, redact);
    }
    offset += items.length;
    if (total !== undefined ? offset >= total : items.length < limit) return [...seen.values()];
  }
  throw new InvalidResponseError(operation, `still more items after ${maxPages} pages of ${limit}; refusing to read further`, redact);
}
