// Reading a model file and writing an output file. Every way either can fail becomes a one-line
// CliError (exit 2), never a stack.
//
// Reading: a regular file of at most MAX_SOURCE_LENGTH bytes (larger ones are refused unread),
// decoded as strict UTF-8; a leading byte-order mark is dropped (and remembered, for fmt).
//
// Writing (writeFileAtomic): the text goes to a new temporary file beside the target, is flushed to
// the disk, and is renamed over the target, so a reader (or a crash, or Ctrl-C) sees the old file
// or the whole new one, never a part. On any failure, and on SIGINT, SIGTERM or SIGHUP while the
// temporary file exists, it is removed; existing files are never touched before the rename. A
// target that exists but is not a regular file is handled as it must be: a directory is an error,
// a device or a pipe (`-o /dev/stdout`, `/dev/null`) is written to directly, since renaming over
// it would replace the device itself.

import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_SOURCE_LENGTH } from '../ast/index.js';
import { CliError } from './errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a parent is not a directory)',
  EISDIR: 'is a directory, not a .cnn file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && Object.hasOwn(REASONS, code)) return REASONS[code]!;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!;
}

export interface SourceFile {
  readonly text: string;
  /** the file started with a UTF-8 byte-order mark (not part of `text`) */
  readonly bom: boolean;
}

/** The file's text, decoded as strict UTF-8, and whether it had a byte-order mark. */
export async function readSource(path: string): Promise<SourceFile> {
  let bytes: Buffer;
  try {
    // stat first: reading a directory fails with EISDIR on Linux but not everywhere, a FIFO or
    // device would block or never end, and a huge file would be read whole before it is refused.
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_SOURCE_LENGTH) {
      throw new Error(`too large: ${group(info.size)} bytes; cnnc reads files of at most ${group(MAX_SOURCE_LENGTH)} bytes`);
    }
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${reason(err)}`);
  }
  if (bytes.length > MAX_SOURCE_LENGTH) {
    throw new CliError(`cannot read ${path}: too large: it grew past ${group(MAX_SOURCE_LENGTH)} bytes while read`);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bom };
  } catch {
    throw new CliError(`cannot read ${path}: not UTF-8 text (invalid byte at offset ${firstInvalidByte(bytes)})`);
  }
}

/** The file's text, decoded as strict UTF-8 (a leading byte-order mark is dropped). */
export async function readSourceFile(path: string): Promise<string> {
  return (await readSource(path)).text;
}

const group = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Offset of the first byte not part of a well-formed UTF-8 sequence (Unicode table 3-7). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf; // bounds of the second byte
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return -1;
}

// ---- writing ---------------------------------------------------------------------------------

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
};

export function writeReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (Object.hasOwn(WRITE_ERRORS, code)) return WRITE_ERRORS[code]!;
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/** Temporary files that exist right now; a signal removes them before the process ends. */
const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const p of pending) {
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
  pending.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // end as the signal would have ended us (the listener took over its default action)
  process.kill(process.pid, signal);
}

function track(tmp: string): void {
  if (pending.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  pending.add(tmp);
}

function untrack(tmp: string): void {
  pending.delete(tmp);
  if (pending.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

export interface WriteOptions {
  /** write to the target of a symbolic link (the link stays a link); default: replace the link itself */
  readonly followLinks?: boolean;
  /** give the new file the permission bits of the file it replaces (fmt); default: 0o666 minus the umask */
  readonly keepMode?: boolean;
}

/**
 * Replaces `path` with `text` in one step (see the top of this file). Throws CliError
 * `cannot write PATH: reason`, after which every existing file is as it was.
 */
export async function writeFileAtomic(path: string, text: string, options: WriteOptions = {}): Promise<void> {
  let target = path;
  let mode: number | undefined;
  try {
    if (options.followLinks) target = await realpath(path).catch(() => path);
    const info = await stat(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (info?.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info !== undefined && !info.isFile()) {
      // a device or a pipe: nothing to keep, and nothing to rename over
      await writeFile(target, text);
      return;
    }
    if (info !== undefined && options.keepMode) mode = info.mode & 0o7777;
  } catch (err) {
    throw new CliError(`cannot write ${path}: ${writeReason(err)}`);
  }
  const tmp = join(dirname(target), `.${basename(target)}.cnnc-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    track(tmp);
    const handle = await open(tmp, 'wx', mode ?? 0o666);
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      if (mode !== undefined) await handle.chmod(mode); // the umask does not apply to a kept mode
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw new CliError(`cannot write ${path}: ${writeReason(err)}`);
  } finally {
    untrack(tmp);
  }
}
