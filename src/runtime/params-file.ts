// Parameter files on disk (Node only). The node: modules are imported when a function is called,
// not at the top, so that `cnnc/runtime` (optimisers, encode/decode) also bundles for a browser.
//
// saveParams is atomic: the bytes go to a temporary file in the target's directory (same file
// system), which is flushed to disk and then renamed over the target. If anything fails, the
// temporary file is removed and an existing target is left as it was; readers never see half a file.

import type { FloatArray, ParamLayoutEntry } from '../module-api.js';
import { decodeInto, encodeSafetensors, type SafetensorsMetadata } from './safetensors.js';

/** Writes `params` to `path` as safetensors (see encodeSafetensors), atomically. */
export async function saveParams(
  path: string,
  params: FloatArray,
  layout: readonly ParamLayoutEntry[],
  metadata?: SafetensorsMetadata,
): Promise<void> {
  const bytes = encodeSafetensors(params, layout, metadata);
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(tmp, 'wx'); // never follows or reuses an existing file
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; directories cannot be opened for this on every platform.
  try {
    const d = await fs.open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    // best effort
  }
}

/**
 * Reads a safetensors file into a flat vector by `layout` (see decodeSafetensors): a new
 * Float32Array, or `out`, which is left untouched if the file does not check.
 */
export async function loadParams(path: string, layout: readonly ParamLayoutEntry[]): Promise<Float32Array>;
export async function loadParams<T extends FloatArray>(path: string, layout: readonly ParamLayoutEntry[], out: T): Promise<T>;
export async function loadParams(path: string, layout: readonly ParamLayoutEntry[], out?: FloatArray): Promise<FloatArray> {
  const { readFile } = await import('node:fs/promises');
  const buffer = await readFile(path);
  return decodeInto(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), layout, out, path);
}
