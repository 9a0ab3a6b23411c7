/** Hostile and odd input refused cleanly, each problem a diagnostic at its place, never an exception. */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/desired/index.js';
import { readYamlFolder } from '../../src/source/index.js';
import { at, cleanTempDirsAfterAll, desktop, docs, load, loadOptions, tempRepo, text } from '../desired/helpers.js';

cleanTempDirsAfterAll();

/** Three levels of ten aliases each: tiny on disk, a thousand values once expanded. */
const ALIAS_BOMB = text(
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
);

describe('YAML problems', () => {
  it.each([
    ['yaml-syntax', 'a: b: c\n', 'yaml-syntax d.yaml:1:4'],
    ['yaml-syntax', 'spec:\n\tname: a\n', 'yaml-syntax d.yaml:2:1'],
    ['yaml-syntax', 'kind: !custom Desktop\n', 'yaml-syntax d.yaml:1:7'],
    ['duplicate-key', 'metadata:\n  name: a\n  name: b\n', 'duplicate-key d.yaml:3:3'],
    ['yaml-alias-limit', ALIAS_BOMB, 'yaml-alias-limit d.yaml:1:1'],
    ['document-shape', 'just a sentence\n', 'document-shape d.yaml:1:1'],
    // An explicit null is content (unlike an empty document): it is not a resource.
    ['document-shape', `${desktop()}---\n~\n`, 'document-shape d.yaml:12:1'],
  ])('%s: %j', async (_rule, content, expected) => {
    const result = await load({ 'd.yaml': content });
    expect(result.diagnostics.map(at)).toEqual([expected]);
    expect(result.state).toBeUndefined();
  });

  it('still loads the good documents of a file whose other document is broken, and reports both files', async () => {
    const result = await load({ 'a.yaml': docs(desktop([], 'a1'), 'kind: [oops\n'), 'b.yaml': 'a: b: c\n' });
    // The desktop has 10 lines, "---" is line 11, the broken document starts at line 12.
    expect(result.diagnostics.map(at)).toEqual(['yaml-syntax a.yaml:13:1', 'yaml-syntax b.yaml:1:4']);
  });

  it('accepts a few anchors and aliases well under the limit', async () => {
    const result = await load({ 'd.yaml': desktop(['  root_volume: &disk {type: SAS, size: 80}', '  data_volumes: [{type: SAS, size: 100}, *disk]']) });
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.resources[0]!.spec['data_volumes']).toEqual([
      { type: 'SAS', size: 100 },
      { type: 'SAS', size: 80 },
    ]);
  });

  it('ignores empty documents (a leading or trailing ---) and comment-only files', async () => {
    const result = await load({ 'a.yaml': `---\n${desktop()}---\n`, 'b.yaml': '# nothing here yet\n', 'c.yaml': '---\n# a draft\n---\n' });
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.resources).toHaveLength(1);
  });

  it('counts positions the same with a byte-order mark and with CRLF line ends', async () => {
    const broken = desktop(['  desktop_type: LAPTOP']);
    const result = await load({ 'bom.yaml': `\uFEFF${broken}`, 'crlf.yaml': broken.replace('alice-dev', 'bob-dev').replace(/\n/g, '\r\n') });
    expect(result.diagnostics.map(at)).toEqual(['desktop-type bom.yaml:6:17', 'desktop-type crlf.yaml:6:17']);
  });
});

describe('files refused before parsing', () => {
  it('refuses a file over the size limit without reading it', async () => {
    const root = tempRepo({ 'big.yaml': `# ${'x'.repeat(200)}\n`, 'small.yaml': '# small\n' });
    const result = await loadDesiredState(root, loadOptions(root, { maxFileBytes: 100 }));
    expect(result.diagnostics.map(at)).toEqual(['file-too-large big.yaml:1:1']);
    expect(result.diagnostics[0]!.message).toBe('the file has 203 bytes');
    expect(result.diagnostics[0]!.allowed).toMatch(/at most 100 bytes per file/);
  });

  it.each([
    // "b: \xff": the bad byte is the 4th character of line 2.
    ['a plain invalid byte', Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xff]), Buffer.from('\n')]), 'encoding d.yaml:2:4'],
    // Two valid two-byte characters before it: the column counts characters, not bytes.
    ['after multi-byte characters', Buffer.concat([Buffer.from('a: éé'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]), 'encoding d.yaml:1:6'],
    // A truncated sequence (the lead byte of é without its continuation) before a newline.
    ['a truncated sequence', Buffer.concat([Buffer.from('a: 1\nb: é\nc: '), Buffer.from([0xc3]), Buffer.from('\n')]), 'encoding d.yaml:3:4'],
    // A real U+FFFD in the file is text, not the error.
    ['after a genuine U+FFFD', Buffer.concat([Buffer.from('a: \uFFFD '), Buffer.from([0x80])]), 'encoding d.yaml:1:6'],
  ])('refuses bytes that are not UTF-8 (%s) at their position', async (_what, bytes, expected) => {
    const result = await load({ 'd.yaml': bytes });
    expect(result.diagnostics.map(at)).toEqual([expected]);
  });
});

describe('symlinks and folders', () => {
  it('refuses symlinks that leave the folder, and dangling ones', async () => {
    const outside = tempRepo({ 'secret.yaml': desktop([], 'outsider'), 'dir/x.yaml': desktop([], 'outsider2') });
    const root = tempRepo({
      'ds/ok.yaml': desktop(),
      'ds/escape.yaml': { symlink: path.join(outside, 'secret.yaml') },
      'ds/escape-dir': { symlink: path.join(outside, 'dir') },
      'outside.yaml': desktop([], 'outsider3'),
      'ds/relative.yaml': { symlink: '../outside.yaml' },
      'ds/dangling.yaml': { symlink: 'missing.yaml' },
    });
    const result = await loadDesiredState(path.join(root, 'ds'), loadOptions(root));
    expect(result.diagnostics.map(at)).toEqual(['symlink ds/dangling.yaml:1:1', 'symlink-outside ds/escape-dir:1:1', 'symlink-outside ds/escape.yaml:1:1', 'symlink-outside ds/relative.yaml:1:1']);
    expect(result.diagnostics[1]!.message).toMatch(/leads outside ds/);
  });

  it('follows symlinks that stay inside, and does not loop on a link to the folder itself', async () => {
    const root = tempRepo({ 'shared/alice.txt': desktop(), 'alice.yaml': { symlink: 'shared/alice.txt' } });
    symlinkSync('.', path.join(root, 'loop'));
    const result = await loadDesiredState(root, loadOptions(root));
    expect(result.diagnostics).toEqual([]);
    expect(result.state!.files).toEqual(['alice.yaml']);
  });

  it('reports a missing folder and a file given as the folder', async () => {
    const root = tempRepo({ 'file.yaml': desktop() });
    const missing = await loadDesiredState(path.join(root, 'desired-state'), loadOptions(root));
    expect(missing.diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual(['folder desired-state:1:1 the folder does not exist']);
    const notFolder = await loadDesiredState(path.join(root, 'file.yaml'), loadOptions(root));
    expect(notFolder.diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual(['folder file.yaml:1:1 is not a folder']);
  });

  it('shows paths relative to the display root, absolute when the folder lies outside it', async () => {
    const root = tempRepo({ 'repo/ds/d.yaml': desktop(['  desktop_type: LAPTOP']) });
    const inside = await readYamlFolder(path.join(root, 'repo/ds'), { displayRoot: path.join(root, 'repo') });
    expect(inside.files.map((f) => f.file)).toEqual(['ds/d.yaml']);
    mkdirSync(path.join(root, 'elsewhere'));
    const outside = await readYamlFolder(path.join(root, 'repo/ds'), { displayRoot: path.join(root, 'elsewhere') });
    expect(outside.files.map((f) => f.file)).toEqual([path.join(root, 'repo/ds/d.yaml').split(path.sep).join('/')]);
  });
});
