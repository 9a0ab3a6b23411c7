/**
 * The journal's JSON-lines text. Every line is written whole, with its newline, and fsync'd before the
 * order it announces is sent; so only the LAST line can be torn (the process died while writing it),
 * and such a line was never acknowledged: no order went out for it. A bad line anywhere else is damage.
 */
import { StateError } from '../errors.js';
import type { JournalEntry } from './types.js';

export interface ParsedJournal {
  entries: JournalEntry[];
  /** Bytes up to the end of the last whole, valid line; what a repair truncates to. */
  validLength: number;
  /** 1-based number of a torn last line that was ignored. */
  tornLine?: number;
}

const NEWLINE = 0x0a;

export function parseJournal(bytes: Buffer, file: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    lineNo += 1;
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline === -1 ? bytes.length : newline;
    const isLast = newline === -1 || newline === bytes.length - 1;
    const entry = parseLine(bytes.toString('utf8', start, end));
    if (entry === 'blank') {
      // Never written by us, but harmless: skip it.
    } else if (entry === undefined || newline === -1) {
      if (isLast) return { entries, validLength: start, tornLine: lineNo };
      throw new StateError(
        'STATE_CORRUPT',
        `order journal ${file} is corrupt at line ${lineNo}: it is not a journal entry`,
        'the journal was left untouched; it is the record of orders in flight, so repair it by hand (or restore it) before running again',
      );
    } else {
      entries.push(entry);
    }
    start = end + 1;
  }
  return { entries, validLength: bytes.length };
}

export function formatJournalLine(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** The intent an entry belongs to. */
export function intentIdOf(entry: JournalEntry): string {
  return entry.kind === 'intent' ? entry.id : entry.intent_id;
}

function parseLine(text: string): JournalEntry | 'blank' | undefined {
  if (text.trim() === '') return text === '' ? 'blank' : undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isJournalEntry(value) ? value : undefined;
}

/** Structural check only: enough to fold and list entries safely. */
function isJournalEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v['at'] !== 'string') return false;
  switch (v['kind']) {
    case 'intent':
      return (
        typeof v['id'] === 'string' &&
        typeof v['type'] === 'string' &&
        Array.isArray(v['addresses']) &&
        v['addresses'].every((a) => typeof a === 'string') &&
        isPlainObject(v['targets']) &&
        isPlainObject(v['body'])
      );
    case 'outcome':
      return typeof v['intent_id'] === 'string' && (v['result'] === 'placed' || v['result'] === 'failed' || v['result'] === 'unknown');
    case 'resolution':
      return typeof v['intent_id'] === 'string' && typeof v['placed'] === 'boolean';
    default:
      return false;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
