/**
 * Where a character of a CEL expression sits in its YAML file. An expression may be a plain, quoted,
 * literal (`|`) or folded (`>`) scalar; the string CEL sees differs from the file's text by the
 * indentation, the quotes and (for folded and multi-line scalars) the line folding. Each source line
 * of the scalar is found again in the string, which maps offsets without re-implementing YAML folding.
 */
import { isScalar, parseAllDocuments, type Scalar } from 'yaml';
import type { PathSegment } from '../validation/problems.js';

interface Segment {
  valueStart: number;
  length: number;
  sourceStart: number;
}

function singleLineQuoted(raw: string, sourceStart: number, type: Scalar.Type): Segment[] {
  // Walk the source and the value together: an escape is several source characters for one value character.
  const segments: Segment[] = [];
  let value = 0;
  for (let i = 1; i < raw.length - 1; i++) {
    segments.push({ valueStart: value, length: 1, sourceStart: sourceStart + i });
    if (type === 'QUOTE_DOUBLE' && raw[i] === '\\') {
      const next = raw[i + 1];
      i += next === 'x' ? 3 : next === 'u' ? 5 : next === 'U' ? 9 : 1;
    } else if (type === 'QUOTE_SINGLE' && raw[i] === "'" && raw[i + 1] === "'") {
      i += 1;
    }
    value++;
  }
  return segments;
}

function lineSegments(raw: string, sourceStart: number, value: string, type: Scalar.Type | undefined): Segment[] {
  const segments: Segment[] = [];
  let offset = 0;
  let cursor = 0;
  const lines = raw.split('\n');
  lines.forEach((line, index) => {
    const lineStart = offset;
    offset += line.length + 1;
    let from = 0;
    let to = line.length;
    // The header line of a block scalar (`|`, `>-`, `|2` …) holds no content.
    if (index === 0 && (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED')) return;
    if (index === 0 && (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE')) from = 1;
    if (index === lines.length - 1 && (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE')) to = Math.max(from, line.lastIndexOf(type === 'QUOTE_DOUBLE' ? '"' : "'"));
    while (from < to && (line[from] === ' ' || line[from] === '\t')) from++;
    while (to > from && (line[to - 1] === ' ' || line[to - 1] === '\t' || line[to - 1] === '\r')) to--;
    if (from >= to) return;
    const text = line.slice(from, to);
    const at = value.indexOf(text, cursor);
    if (at === -1) return; // an escape changed this line; offsets on it fall back to the previous line
    segments.push({ valueStart: at, length: text.length, sourceStart: sourceStart + lineStart + from });
    cursor = at + text.length;
  });
  return segments;
}

/**
 * A function from an offset in the expression string to an offset in `text`, for the scalar at
 * `path` of document `docIndex`; undefined when the node is not a string scalar.
 */
export function expressionLocator(text: string, docIndex: number, path: readonly PathSegment[]): ((offset: number) => number) | undefined {
  const doc = parseAllDocuments(text, { prettyErrors: false, schema: 'core' })[docIndex];
  if (!doc || !('getIn' in doc)) return undefined;
  const node: unknown = doc.getIn(path, true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const raw = text.slice(start, end);
  const value = node.value;
  const type = node.type;
  const segments = !raw.includes('\n') && (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') ? singleLineQuoted(raw, start, type) : lineSegments(raw, start, value, type);
  return (offset: number) => {
    let best: Segment | undefined;
    for (const s of segments) {
      if (s.valueStart > offset) break;
      best = s;
    }
    if (!best) return segments[0]?.sourceStart ?? start;
    return best.sourceStart + Math.min(offset - best.valueStart, best.length);
  };
}
