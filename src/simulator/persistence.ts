/**
 * The data file: an append-only JSON-lines event log (one line per accepted order, payment or reset),
 * each line written and fsynced before the response is sent, so an order survives SIGKILL the moment
 * it is accepted. Opening replays it. A torn last line (a crash mid-write) is dropped and cut off the
 * file; an unreadable line before the last is an error, because silently skipping it would forget an
 * order that was answered.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OrderBody, OrderType } from '../workspace/order-schema.js';

export interface PersistedOrder {
  order_id: string;
  job_id: string;
  type: OrderType;
  body: OrderBody;
  created_at: string;
  /** Set when the order was paid on acceptance (extend_param.is_auto_pay "true"). */
  paid_at?: string;
}

export type SimEvent = { event: 'order'; order: PersistedOrder } | { event: 'pay'; order_id: string; at: string } | { event: 'reset'; at: string };

export interface EventSink {
  append(event: SimEvent): void;
  /** Forget every event. */
  truncate(): void;
  close(): void;
}

/** In-memory mode: nothing is written. */
export const noPersistence: EventSink = { append: () => undefined, truncate: () => undefined, close: () => undefined };

export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

function isEvent(value: unknown): value is SimEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['event'] === 'order') {
    const o = v['order'] as Record<string, unknown> | undefined;
    return typeof o === 'object' && o !== null && typeof o['order_id'] === 'string' && typeof o['job_id'] === 'string' && typeof o['created_at'] === 'string' && typeof o['body'] === 'object';
  }
  if (v['event'] === 'pay') return typeof v['order_id'] === 'string' && typeof v['at'] === 'string';
  return v['event'] === 'reset' && typeof v['at'] === 'string';
}

/** Complete lines with the byte offset where each ends (after its newline); the rest is a torn tail. */
function splitLines(data: Buffer): { lines: { text: string; end: number }[]; tail: string } {
  const lines: { text: string; end: number }[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
    lines.push({ text: data.subarray(start, nl).toString('utf8'), end: nl + 1 });
    start = nl + 1;
  }
  return { lines, tail: data.subarray(start).toString('utf8') };
}

function parseLine(text: string): SimEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export class EventLog implements EventSink {
  private constructor(
    private fd: number | undefined,
    readonly file: string,
  ) {}

  /** Opens (creating it and its folder if needed) and reads every event; cuts off a torn last line. */
  static open(file: string): { log: EventLog; events: SimEvent[] } {
    mkdirSync(dirname(file), { recursive: true });
    const data = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    const { lines, tail } = splitLines(data);
    const events: SimEvent[] = [];
    let goodEnd = 0;
    for (const [i, line] of lines.entries()) {
      if (line.text.trim() === '') {
        goodEnd = line.end;
        continue;
      }
      const event = parseLine(line.text);
      const isLast = i === lines.length - 1 && tail === '';
      if (!event) {
        // A crash can leave a last line that is cut short or padded with NUL bytes: that write never completed.
        if (isLast) break;
        throw new DataFileError(`simulator data file ${file}: line ${i + 1} is not a valid event; it is not the last line, so this is corruption, not a torn write. Fix or remove the line (or the file) and start again.`);
      }
      events.push(event);
      goodEnd = line.end;
    }
    const fd = openSync(file, 'a');
    if (goodEnd < data.length) {
      ftruncateSync(fd, goodEnd);
      fsyncSync(fd);
    }
    return { log: new EventLog(fd, file), events };
  }

  append(event: SimEvent): void {
    const fd = this.openFd();
    const bytes = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  }

  truncate(): void {
    const fd = this.openFd();
    ftruncateSync(fd, 0);
    fsyncSync(fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new DataFileError(`simulator data file ${this.file} is closed`);
    return this.fd;
  }
}
