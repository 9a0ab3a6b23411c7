import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileStateStore, openStateStore, parseStateLocation } from '../../src/state/index.js';

const BASE = '/srv/repo';

describe('parseStateLocation', () => {
  it('resolves file:PATH and bare paths against the base directory', () => {
    expect(parseStateLocation('file:.workspace-gitops/state.json', BASE)).toEqual({ kind: 'file', path: '/srv/repo/.workspace-gitops/state.json' });
    expect(parseStateLocation('file:/var/lib/wsgo/state.json', BASE)).toEqual({ kind: 'file', path: '/var/lib/wsgo/state.json' });
    expect(parseStateLocation('state/ledger.json', BASE)).toEqual({ kind: 'file', path: '/srv/repo/state/ledger.json' });
    expect(parseStateLocation('/abs/state.json', BASE)).toEqual({ kind: 'file', path: '/abs/state.json' });
    expect(parseStateLocation(pathToFileURL('/var/lib/x y/state.json').href, BASE)).toEqual({ kind: 'file', path: '/var/lib/x y/state.json' });
  });

  it('recognizes PostgreSQL URLs', () => {
    expect(parseStateLocation('postgres://wsgo@db:5432/wsgo', BASE)).toEqual({ kind: 'postgres', url: 'postgres://wsgo@db:5432/wsgo' });
    expect(parseStateLocation('postgresql://db/wsgo', BASE)).toEqual({ kind: 'postgres', url: 'postgresql://db/wsgo' });
  });

  it('refuses anything else, naming what is allowed', () => {
    for (const value of ['', '  ', 's3://bucket/state.json', 'file:', 'mysql://db/x']) {
      const error = (() => {
        try {
          parseStateLocation(value, BASE);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, value).toMatchObject({ code: 'STATE_LOCATION_INVALID', hint: expect.stringContaining('file:PATH') });
    }
  });
});

describe('openStateStore', () => {
  it('opens a file store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wsgo-loc-'));
    const store = openStateStore({ kind: 'file', path: join(dir, 'state.json') }, { now: () => new Date() });
    expect(store).toBeInstanceOf(FileStateStore);
    expect(store.location).toBe(`file:${join(dir, 'state.json')}`);
    expect((await store.read()).serial).toBe(0);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says the PostgreSQL backend is not available yet, without showing the password', () => {
    const open = () => openStateStore({ kind: 'postgres', url: 'postgres://wsgo:hunter22@db/wsgo' }, { now: () => new Date() });
    expect(open).toThrow(expect.objectContaining({ code: 'STATE_BACKEND_UNSUPPORTED', message: expect.stringContaining('not available yet') }));
    expect(open).not.toThrow(/hunter22/);
  });
});
