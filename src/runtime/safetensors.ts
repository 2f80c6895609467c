// Flat parameter vectors <-> safetensors bytes, by a module's paramLayout (PyTorch state_dict names
// and shapes, so files move between cnnc and PyTorch). Pure functions over bytes; files are in
// params-file.ts. Values go through DataView, little-endian, so this is correct on any host.
//
// Decisions:
// - Writing: dtype follows the vector (Float32Array -> F32, Float64Array -> F64); tensors in layout
//   order, packed from offset 0; the header padded with spaces so the data starts 8-byte aligned.
// - Reading: every layout name must be in the file and every file tensor in the layout, with equal
//   shapes. F32 is read as is; F64 is accepted and converted (rounded to float32 for a Float32Array);
//   every other dtype (F16, BF16, integers, ...) is refused by name. All problems are collected and
//   reported together, and nothing is written to the output before all checks pass.

import type { FloatArray, ParamLayoutEntry } from '../module-api.js';
import {
  elementCount,
  readSafetensorsHeader,
  SafetensorsError,
  shapeText,
  type SafetensorsTensorInfo,
} from './safetensors-format.js';

export type SafetensorsMetadata = Readonly<Record<string, string>>;

/** Checks the layout itself against a vector length: names unique, entries in range. */
function checkLayout(layout: readonly ParamLayoutEntry[], length: number, fn: string): void {
  const names = new Set<string>();
  for (const e of layout) {
    if (typeof e.name !== 'string' || e.name === '' || e.name === '__metadata__')
      throw new Error(`${fn}: invalid tensor name ${JSON.stringify(e.name)} in the layout`);
    if (names.has(e.name)) throw new Error(`${fn}: the layout names ${e.name} twice`);
    names.add(e.name);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new Error(`${fn}: ${e.name}: invalid shape ${JSON.stringify(e.shape)} in the layout`);
    const end = e.offset + elementCount(e.shape);
    if (!Number.isSafeInteger(e.offset) || e.offset < 0 || end > length)
      throw new Error(`${fn}: ${e.name}: layout range [${e.offset}, ${end}) is outside the parameter vector (length ${length})`);
  }
}

/** The length a vector needs to hold every layout entry. */
export function layoutLength(layout: readonly ParamLayoutEntry[]): number {
  let n = 0;
  for (const e of layout) n = Math.max(n, e.offset + elementCount(e.shape));
  return n;
}

/** The bytes of a safetensors file holding `params`, one tensor per layout entry. */
export function encodeSafetensors(params: FloatArray, layout: readonly ParamLayoutEntry[], metadata?: SafetensorsMetadata): Uint8Array {
  if (!(params instanceof Float32Array) && !(params instanceof Float64Array))
    throw new TypeError('encodeSafetensors: params must be a Float32Array or a Float64Array');
  checkLayout(layout, params.length, 'encodeSafetensors');
  const f64 = params instanceof Float64Array;
  const size = f64 ? 8 : 4;
  const dtype = f64 ? 'F64' : 'F32';

  // The header is written by hand (not JSON.stringify of an object) so that any name, "__proto__"
  // included, is an ordinary key, and the key order is the layout's.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries = Object.entries(metadata);
    for (const [k, v] of entries)
      if (typeof v !== 'string') throw new TypeError(`encodeSafetensors: metadata ${k} must be a string, got ${typeof v}`);
    parts.push(`"__metadata__":{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let dataLength = 0;
  for (const e of layout) {
    const bytes = elementCount(e.shape) * size;
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${dtype}","shape":${shapeText(e.shape)},"data_offsets":[${dataLength},${dataLength + bytes}]}`);
    dataLength += bytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;

  const out = new Uint8Array(8 + headerLength + dataLength);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const e of layout) {
    const end = e.offset + elementCount(e.shape);
    if (f64) for (let i = e.offset; i < end; i++, pos += 8) dv.setFloat64(pos, params[i]!, true);
    else for (let i = e.offset; i < end; i++, pos += 4) dv.setFloat32(pos, params[i]!, true);
  }
  return out;
}

/**
 * Reads a safetensors file's bytes into a flat vector by `layout`: a new Float32Array, or `out`
 * (any FloatArray long enough; untouched unless everything checks). Throws SafetensorsError naming
 * every missing, extra, wrong-dtype and wrong-shape tensor, or what is wrong with the container.
 */
export function decodeSafetensors(bytes: Uint8Array, layout: readonly ParamLayoutEntry[]): Float32Array;
export function decodeSafetensors<T extends FloatArray>(bytes: Uint8Array, layout: readonly ParamLayoutEntry[], out: T): T;
export function decodeSafetensors(bytes: Uint8Array, layout: readonly ParamLayoutEntry[], out?: FloatArray): FloatArray {
  return decodeInto(bytes, layout, out, undefined);
}

/** decodeSafetensors, with the file name in error messages. */
export function decodeInto(bytes: Uint8Array, layout: readonly ParamLayoutEntry[], out: FloatArray | undefined, file: string | undefined): FloatArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeSafetensors: bytes must be a Uint8Array');
  const length = out?.length ?? layoutLength(layout);
  checkLayout(layout, length, 'decodeSafetensors');
  const header = readSafetensorsHeader(bytes, file);
  const byName = new Map<string, SafetensorsTensorInfo>(header.tensors.map((t) => [t.name, t]));

  const problems: string[] = [];
  const wanted = new Set<string>();
  for (const e of layout) {
    wanted.add(e.name);
    const t = byName.get(e.name);
    if (t === undefined) {
      problems.push(`${e.name}: missing from the file (expected shape ${shapeText(e.shape)})`);
      continue;
    }
    if (t.dtype !== 'F32' && t.dtype !== 'F64')
      problems.push(`${e.name}: dtype ${t.dtype} is not supported (F32 is read as is, F64 is converted; nothing else is accepted)`);
    if (shapeText(t.shape) !== shapeText(e.shape))
      problems.push(`${e.name}: expected shape ${shapeText(e.shape)}, file has ${shapeText(t.shape)}`);
  }
  for (const t of header.tensors)
    if (!wanted.has(t.name)) problems.push(`${t.name}: in the file but not in the layout (${t.dtype} ${shapeText(t.shape)})`);
  if (problems.length > 0) throw new SafetensorsError('the file does not match the parameter layout', problems, file);

  const target = out ?? new Float32Array(length);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const e of layout) {
    const t = byName.get(e.name)!;
    let pos = header.dataStart + t.dataOffsets[0];
    const end = e.offset + elementCount(e.shape);
    if (t.dtype === 'F64') for (let i = e.offset; i < end; i++, pos += 8) target[i] = dv.getFloat64(pos, true);
    else for (let i = e.offset; i < end; i++, pos += 4) target[i] = dv.getFloat32(pos, true);
  }
  return target;
}
