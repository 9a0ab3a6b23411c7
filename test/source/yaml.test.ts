/** Positions: where a value (or its key) is, and what is reported when it is absent. */
import { describe, expect, it } from 'vitest';
import { LineIndex, parseYaml, SourceIndex, type SourceFile } from '../../src/source/index.js';

const file = (text: string): SourceFile => ({ file: 'f.yaml', absolutePath: '/f.yaml', text });

describe('LineIndex', () => {
  it('turns offsets into 1-based lines and columns', () => {
    const index = new LineIndex('ab\ncd\n\nef');
    expect([0, 1, 2, 3, 6, 7, 8].map((o) => index.position(o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 1, column: 3 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});

describe('parseYaml', () => {
  const text = ['# comment', 'spec:', '  root_volume: {type: SAS, size: 80}', '  nics:', '    - subnet_id: s1', '---', 'second: doc', ''].join('\n');
  const parsed = parseYaml(file(text));

  it('returns plain values, document indexes and where each document starts', () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents.map((d) => [d.index, d.start.line, d.start.column])).toEqual([
      [0, 2, 1],
      [1, 7, 1],
    ]);
    expect(parsed.documents[1]!.value).toEqual({ second: 'doc' });
  });

  it('locates values and keys, in flow and block style', () => {
    const doc = parsed.documents[0]!;
    expect(doc.locate(['spec', 'root_volume', 'size'])).toEqual({ file: 'f.yaml', line: 3, column: 34 });
    expect(doc.locate(['spec', 'root_volume', 'size'], 'key')).toEqual({ file: 'f.yaml', line: 3, column: 28 });
    expect(doc.locate(['spec', 'nics', 0, 'subnet_id'])).toEqual({ file: 'f.yaml', line: 5, column: 18 });
  });

  it('falls back to the nearest existing ancestor for what is absent', () => {
    const doc = parsed.documents[0]!;
    expect(doc.locate(['spec', 'root_volume', 'iops'])).toEqual({ file: 'f.yaml', line: 3, column: 16 });
    expect(doc.locate(['spec', 'nics', 5])).toEqual({ file: 'f.yaml', line: 5, column: 5 });
    expect(doc.locate(['spec', 'missing', 'deeper'])).toEqual({ file: 'f.yaml', line: 3, column: 3 });
  });

  it('looks through aliases to the anchored value', () => {
    const doc = parseYaml(file('disk: &d {size: 80}\nspec: {root: *d}\n')).documents[0]!;
    expect(doc.locate(['spec', 'root', 'size'])).toEqual({ file: 'f.yaml', line: 1, column: 17 });
  });
});

describe('SourceIndex', () => {
  it('re-parses a file only to answer a position, and answers line 1 for unknown files', () => {
    const index = new SourceIndex();
    index.add(file('a: 1\nb:\n  c: 2\n'));
    expect(index.locate('f.yaml', 0, ['b', 'c'])).toEqual({ file: 'f.yaml', line: 3, column: 6 });
    expect(index.locate('other.yaml', 0, ['b'])).toEqual({ file: 'other.yaml', line: 1, column: 1 });
    index.release();
    expect(index.locate('f.yaml', 0, ['b', 'c'], 'key')).toEqual({ file: 'f.yaml', line: 3, column: 3 });
  });
});
