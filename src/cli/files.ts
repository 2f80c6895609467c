// Reading a model file. Every way it can fail becomes a one-line CliError (exit 2), never a stack.

import { readFile, stat } from 'node:fs/promises';
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
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code]!;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!;
}

/** The file's text, decoded as strict UTF-8 (a leading byte-order mark is dropped). */
export async function readSourceFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    // stat first: reading a directory fails with EISDIR on Linux but not everywhere, and a FIFO
    // or device would block or never end.
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw new Error('not a regular file');
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${reason(err)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`cannot read ${path}: not UTF-8 text (invalid byte at offset ${firstInvalidByte(bytes)})`);
  }
}

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
