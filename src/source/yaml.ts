/**
 * YAML with positions. Documents are parsed once; their AST answers "where is this value?" for
 * diagnostics. After loading, only the text is kept (SourceIndex) and a file is re-parsed on the
 * rare occasions a position is needed again, so large repositories do not hold every AST in memory.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics.js';
import type { PathSegment } from '../validation/problems.js';
import type { SourceFile } from './files.js';
import { LineIndex } from './lines.js';

/** Alias expansions allowed per document; more is treated as a resource-exhaustion attack (billion laughs). */
export const MAX_ALIAS_COUNT = 100;

export interface YamlDocument {
  file: string;
  /** 0-based position of the document in its file. */
  index: number;
  value: unknown;
  /** Where the document's content starts (after comments and `---`): the resource's own position. */
  start: SourceLocation;
  /** Position of a value (or of its key, for `key` mode); the nearest existing ancestor when it is absent. */
  locate(path: readonly PathSegment[], mode?: 'key' | 'value'): SourceLocation;
}

export interface ParsedFile {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

type AnyNode = Node | null | undefined;

function nodeStart(node: AnyNode): number | undefined {
  return node?.range?.[0];
}

function findOffset(doc: Document, root: AnyNode, path: readonly PathSegment[], mode: 'key' | 'value'): number | undefined {
  let node: AnyNode = root;
  let best = nodeStart(root);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return best;
      const keyStart = nodeStart(pair.key as AnyNode);
      if (last && mode === 'key') return keyStart ?? best;
      node = pair.value as AnyNode;
      best = nodeStart(node) ?? keyStart ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as AnyNode;
      if (item === undefined) return best;
      node = item;
      best = nodeStart(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function errorRule(code: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate-key';
  return 'yaml-syntax';
}

export function parseYaml(source: SourceFile): ParsedFile {
  const lines = new LineIndex(source.text);
  const at = (offset: number | undefined): { line: number; column: number } => lines.position(offset ?? 0);
  const documents: YamlDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const docs = parseAllDocuments(source.text, { prettyErrors: false, uniqueKeys: true, schema: 'core' });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings];
    for (const e of problems) {
      diagnostics.push({
        file: source.file,
        ...at(e.pos[0]),
        severity: 'error',
        rule: errorRule(e.code),
        message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        allowed: e.code === 'DUPLICATE_KEY' ? 'each key once per mapping' : 'YAML 1.2',
      });
    }
    if (problems.length > 0) return;
    // An empty document: a comment-only file, or a leading/trailing `---` (the parser gives the
    // latter an empty null scalar). An explicit `~` or `null` is content, and is not skipped.
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null && contents.source === '')) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const excessive = /alias/i.test(message);
      diagnostics.push({
        file: source.file,
        ...at(nodeStart(doc.contents)),
        severity: 'error',
        rule: excessive ? 'yaml-alias-limit' : 'yaml-syntax',
        message: excessive ? 'aliases expand too much (possible "billion laughs" attack)' : message,
        allowed: excessive ? `at most ${MAX_ALIAS_COUNT} alias expansions per document` : 'YAML 1.2',
      });
      return;
    }
    documents.push({
      file: source.file,
      index,
      value,
      start: { file: source.file, ...at(nodeStart(contents)) },
      locate: (path, mode = 'value') => ({ file: source.file, ...at(findOffset(doc, contents, path, mode)) }),
    });
  });
  return { documents, diagnostics };
}

/** Keeps file texts and re-parses a file only when a position inside it is asked for after loading. */
export class SourceIndex {
  private readonly texts = new Map<string, SourceFile>();
  private readonly parsed = new Map<string, YamlDocument[]>();

  add(file: SourceFile): void {
    this.texts.set(file.file, file);
  }

  /** Position of `path` inside document `index` of `file`; line 1 column 1 of the file when unknown. */
  locate(file: string, index: number, path: readonly PathSegment[], mode: 'key' | 'value' = 'value'): SourceLocation {
    let docs = this.parsed.get(file);
    if (!docs) {
      const source = this.texts.get(file);
      if (!source) return { file, line: 1, column: 1 };
      docs = parseYaml(source).documents;
      this.parsed.set(file, docs);
    }
    const doc = docs.find((d) => d.index === index);
    return doc ? doc.locate(path, mode) : { file, line: 1, column: 1 };
  }

  /** Forget parsed ASTs (texts stay) — call when a run is over to release memory. */
  release(): void {
    this.parsed.clear();
  }
}
