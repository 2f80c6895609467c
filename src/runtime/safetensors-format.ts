// The safetensors container, from its public specification (github.com/huggingface/safetensors):
//   bytes [0, 8)        N, the header length, unsigned 64-bit little-endian
//   bytes [8, 8 + N)    UTF-8 JSON: { NAME: { "dtype", "shape", "data_offsets": [begin, end] }, ...,
//                       "__metadata__"?: { string: string } }; starts with '{', may end in spaces
//   bytes [8 + N, ...)  the data buffer; offsets are relative to its start; little-endian, row-major
// The buffer must be covered exactly: no holes, no overlaps, nothing after the last tensor.
// This file parses and checks the container only; safetensors.ts maps it onto a parameter layout.

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  /** Every problem found, one line each (the message lists them too). */
  readonly problems: readonly string[];
  /** The file the bytes came from, when known. */
  readonly file: string | undefined;

  constructor(summary: string, problems: readonly string[], file?: string) {
    const where = file === undefined ? '' : `${file}: `;
    const body = problems.length === 1 ? `${summary}: ${problems[0]}` : `${summary} (${problems.length} problems):\n  - ${problems.join('\n  - ')}`;
    super(where + body);
    this.problems = problems;
    this.file = file;
  }
}

/** Bytes per element of every dtype the specification names. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/** The specification's limit on N, against denial of service by a huge header. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** [begin, end) in bytes, relative to the start of the data buffer. */
  readonly dataOffsets: readonly [number, number];
}

export interface SafetensorsHeader {
  /** In header order. */
  readonly tensors: readonly SafetensorsTensorInfo[];
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Where the data buffer starts in the file: 8 + N. */
  readonly dataStart: number;
  /** Length of the data buffer in bytes. */
  readonly dataLength: number;
}

export const INVALID = 'not a valid safetensors file';

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Parses and checks the header and the buffer's coverage. Throws SafetensorsError listing every problem. */
export function readSafetensorsHeader(bytes: Uint8Array, file?: string): SafetensorsHeader {
  const fail = (problems: string[]): never => {
    throw new SafetensorsError(INVALID, problems, file);
  };
  if (bytes.length < 8)
    fail([`the file is ${bytes.length} bytes, shorter than the 8-byte header length that starts every safetensors file`]);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8))
    fail([`the header length is ${n} bytes, past the end of the file (${bytes.length - 8} bytes follow the length)`]);
  if (n > BigInt(MAX_HEADER_BYTES)) fail([`the header length is ${n} bytes, over the specification's limit of ${MAX_HEADER_BYTES}`]);
  const headerLength = Number(n);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  if (headerLength === 0 || bytes[8] !== 0x7b) fail([`the header does not start with '{'`]);

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    fail(['the header is not valid UTF-8']);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail([`the header is not valid JSON (${(e as Error).message})`]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(['the header is not a JSON object']);
  const dupes = duplicateTopLevelKeys(text);
  if (dupes.length > 0) fail(dupes.map((k) => `${k}: appears more than once in the header`));

  const problems: string[] = [];
  const tensors: SafetensorsTensorInfo[] = [];
  let metadata: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(value, problems);
      continue;
    }
    const info = readTensorInfo(name, value, problems);
    if (info !== undefined) tensors.push(info);
  }
  if (problems.length === 0) checkCoverage(tensors, dataLength, problems);
  if (problems.length > 0) fail(problems);
  return { tensors, metadata, dataStart, dataLength };
}

function readMetadata(value: unknown, problems: string[]): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('__metadata__: must be an object of string values');
    return undefined;
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else problems.push(`__metadata__.${k}: must be a string, got ${JSON.stringify(v)}`);
  }
  return out;
}

function readTensorInfo(name: string, value: unknown, problems: string[]): SafetensorsTensorInfo | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${name}: the entry must be an object with dtype, shape and data_offsets`);
    return undefined;
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const before = problems.length;
  if (typeof dtype !== 'string') problems.push(`${name}: dtype must be a string`);
  else if (!(dtype in DTYPE_BYTES)) problems.push(`${name}: unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    problems.push(`${name}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
    problems.push(`${name}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  if (problems.length > before) return undefined;
  const info: SafetensorsTensorInfo = {
    name,
    dtype: dtype as string,
    shape: shape as number[],
    dataOffsets: [(offsets as number[])[0]!, (offsets as number[])[1]!],
  };
  const need = elementCount(info.shape) * DTYPE_BYTES[info.dtype]!;
  const have = info.dataOffsets[1] - info.dataOffsets[0];
  if (have !== need)
    problems.push(
      `${name}: data_offsets [${info.dataOffsets.join(', ')}] hold ${have} bytes, but ${info.dtype} ${shapeText(info.shape)} needs ${need}`,
    );
  return info;
}

/** The data buffer must be covered exactly once, in any order of the entries. */
function checkCoverage(tensors: readonly SafetensorsTensorInfo[], dataLength: number, problems: string[]): void {
  for (const t of tensors)
    if (t.dataOffsets[1] > dataLength)
      problems.push(`${t.name}: data_offsets [${t.dataOffsets.join(', ')}] run past the end of the data buffer (${dataLength} bytes)`);
  if (problems.length > 0) return;
  const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let last: SafetensorsTensorInfo | undefined;
  for (const t of sorted) {
    const [begin, end] = t.dataOffsets;
    if (begin < covered) problems.push(`${t.name}: data_offsets [${begin}, ${end}] overlap ${last!.name} [${last!.dataOffsets.join(', ')}]`);
    else if (begin > covered) problems.push(`bytes [${covered}, ${begin}) of the data buffer belong to no tensor (a hole before ${t.name})`);
    if (end > covered) {
      covered = end;
      last = t;
    }
  }
  if (covered < dataLength) problems.push(`bytes [${covered}, ${dataLength}) at the end of the data buffer belong to no tensor`);
}

/** Keys that occur more than once in the top-level object of `text` (valid JSON); JSON.parse keeps the last silently. */
function duplicateTopLevelKeys(text: string): string[] {
  const seen = new Set<string>();
  const dupes: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth !== 1) continue;
      let j = i + 1;
      while (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r') j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) dupes.push(key);
      seen.add(key);
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return dupes;
}
