import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { InvalidResponseError } from '../../src/workspace/errors.js';
import { collectPages } from '../../src/workspace/paging.js';
import { backoffDelay, DEFAULT_RETRY, RetriesExhausted, withRetry } from '../../src/workspace/retry.js';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, DEFAULT_RETRY, () => 1));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
  });

  it('can draw zero (full jitter) unless a floor applies, and a floor never passes the cap', () => {
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0, 2000)).toBe(2000);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0, 60_000)).toBe(20_000);
  });
});

describe('withRetry', () => {
  it('stops at once when the decision says so, reporting one attempt', async () => {
    let calls = 0;
    const run = { operation: 'op', settings: DEFAULT_RETRY, decide: () => ({ retry: false as const }) };
    const deps = { sleep: () => Promise.resolve(), random: () => 1, nowMs: () => 0, logger: silentLogger };
    const error = await withRetry(run, deps, () => Promise.reject(new Error(`failure ${++calls}`))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as RetriesExhausted).attempts).toBe(1);
    expect(((error as RetriesExhausted).cause as Error).message).toBe('failure 1');
  });
});

describe('collectPages', () => {
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ id: `i${from + i}` }));

  it('stops on a short page when there is no total', async () => {
    const offsets: number[] = [];
    const items = await collectPages({ operation: 'op', limit: 3, idOf: (x: { id: string }) => x.id }, (offset) => {
      offsets.push(offset);
      return Promise.resolve({ items: ids(offset, offset === 0 ? 3 : 1) });
    });
    expect(items).toHaveLength(4);
    expect(offsets).toEqual([0, 3]);
  });

  it('stops on an empty page even when the total promised more', async () => {
    const items = await collectPages({ operation: 'op', limit: 2, idOf: (x: { id: string }) => x.id }, (offset) =>
      Promise.resolve({ items: offset === 0 ? ids(0, 2) : [], total: 10 }),
    );
    expect(items).toHaveLength(2);
  });

  it('refuses to read past the page limit from a server that never ends', async () => {
    let pages = 0;
    const endless = collectPages({ operation: 'list things', limit: 2, idOf: (x: { id: string }) => x.id, maxPages: 5 }, (offset) => {
      pages++;
      return Promise.resolve({ items: ids(offset, 2) });
    });
    await expect(endless).rejects.toThrow(InvalidResponseError);
    await expect(endless).rejects.toThrow(/list things: unexpected response: still more items after 5 pages of 2/);
    expect(pages).toBe(5);
  });
});
