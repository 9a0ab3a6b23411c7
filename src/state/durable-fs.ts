/**
 * The file operations the file backend's guarantees rest on. A rename or a new file is only durable
 * once its directory is fsync'd too, so every helper here does that as well.
 */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Replace `file` with `data` so a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: string, randomId: () => string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  // Same directory as the target: rename is only atomic within one file system.
  const temp = join(dir, `.${basename(file)}.${randomId()}.tmp`);
  try {
    await writeNewFile(temp, data);
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Create `file` (failing with EEXIST if it exists) holding `data`, flushed to disk. The caller fsyncs the directory. */
export async function writeNewFile(file: string, data: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Append `data` and flush it to disk before returning (used for one-off appends, e.g. the archive). */
export async function appendDurable(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, 'a');
  try {
    await writeAll(handle, data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fsyncDir(dirname(file));
}

export type FileHandle = Awaited<ReturnType<typeof open>>;

/** A single write() may be short; loop so a line is never half-written by us. */
export async function writeAll(handle: FileHandle, data: string): Promise<void> {
  const bytes = Buffer.from(data, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Make a directory entry (a create or a rename) durable. Some platforms cannot open a directory; there it is a no-op. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    if (isErrno(err, 'EISDIR') || isErrno(err, 'EPERM') || isErrno(err, 'EACCES')) return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    // Windows and some network file systems refuse fsync on a directory handle.
    if (!isErrno(err, 'EPERM') && !isErrno(err, 'EINVAL') && !isErrno(err, 'EBADF')) throw err;
  } finally {
    await handle.close();
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
