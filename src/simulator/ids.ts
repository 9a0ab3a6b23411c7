/**
 * Identifiers. Order and job ids are random (and stored in the event log, so replay is exact); ids of
 * provisioned resources are derived from the order id, so replaying an order recreates the same ids
 * without storing them. None of this draws on the injected `random`, which stays reserved for faults.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';

const ORDER_ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `CS` + yyMMddHHmm (UTC) + 5 random characters, like the page's example `CS2108102036B2CAI`. */
export function newOrderId(now: Date, taken: (id: string) => boolean): string {
  const stamp = now.toISOString().slice(2, 16).replace(/[-T:]/g, '');
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += ORDER_ID_ALPHABET[randomInt(ORDER_ID_ALPHABET.length)];
    const id = `CS${stamp}${suffix}`;
    if (!taken(id)) return id;
  }
}

export function newJobId(): string {
  return randomUUID();
}

/** A UUID-shaped id that is a pure function of `seed`. */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  // Version 4 and the RFC 4122 variant bits, so the ids look like the real API's.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ISO time with milliseconds, as the Workspace read APIs show it. */
export function isoTime(d: Date): string {
  return d.toISOString();
}

/** BSS times: `YYYY-MM-DDTHH:mm:ssZ` in UTC. */
export function bssTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
