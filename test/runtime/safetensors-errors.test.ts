// Every way a safetensors file can be broken or not match the layout is a SafetensorsError that says
// what, and the output vector is never partly written.

import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type ParamLayoutEntry } from '../../src/runtime/index.js';

const LAYOUT: ParamLayoutEntry[] = [
  { name: 'c1.weight', offset: 0, shape: [6, 1, 5, 5] },
  { name: 'c1.bias', offset: 150, shape: [6] },
];
const COUNT = 156;

/** A file from header text (or an object, serialised) and a data buffer (or its length). */
function file(header: string | object | Uint8Array, data: Uint8Array | number = 0, n?: bigint): Uint8Array {
  const json =
    header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });
const good = () => ({ 'c1.weight': entry('F32', [6, 1, 5, 5], 0, 600), 'c1.bias': entry('F32', [6], 600, 624) });

/** Decodes into a sentinel-filled vector; returns the error, after checking the vector is untouched. */
function failure(bytes: Uint8Array, layout = LAYOUT): SafetensorsError {
  const out = new Float32Array(COUNT).fill(42);
  let error: unknown;
  try {
    decodeSafetensors(bytes, layout, out);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as Error).name).toBe('SafetensorsError');
  expect(out.every((v) => v === 42)).toBe(true);
  return error as SafetensorsError;
}

describe('a broken container', () => {
  it('the good file these cases break does decode', () => {
    expect(decodeSafetensors(file(good(), 624), LAYOUT)).toEqual(new Float32Array(COUNT));
  });

  it('shorter than the 8-byte length', () => {
    for (const n of [0, 1, 7])
      expect(failure(new Uint8Array(n)).message).toBe(
        `not a valid safetensors file: the file is ${n} bytes, shorter than the 8-byte header length that starts every safetensors file`,
      );
  });

  it('a header length past the end of the file, small or absurd', () => {
    const follow = JSON.stringify(good()).length + 624;
    expect(failure(file(good(), 624, 5000n)).message).toBe(
      `not a valid safetensors file: the header length is 5000 bytes, past the end of the file (${follow} bytes follow the length)`,
    );
    expect(failure(file(good(), 624, 2n ** 64n - 1n)).message).toMatch(/header length is 18446744073709551615 bytes, past the end/);
  });

  it('a header length inside the file that cuts the JSON short', () => {
    const ok = file(good(), 624);
    const json = JSON.stringify(good()).length;
    expect(failure(file(good(), 624, BigInt(json - 10))).message).toMatch(/the header is not valid JSON/);
    expect(failure(ok.subarray(0, 8 + json - 3)).message).toMatch(/header length is \d+ bytes, past the end of the file/);
  });

  it('a truncated data buffer', () => {
    const ok = file(good(), 624);
    expect(failure(ok.subarray(0, ok.length - 1)).message).toBe(
      'not a valid safetensors file: c1.bias: data_offsets [600, 624] run past the end of the data buffer (623 bytes)',
    );
  });

  it('not JSON, not an object, not UTF-8, not starting with {', () => {
    expect(failure(file('{"c1.weight": {', 0)).message).toMatch(/^not a valid safetensors file: the header is not valid JSON \(/);
    expect(failure(file('[1, 2]')).message).toMatch(/does not start with '\{'/);
    expect(failure(file('  {}')).message).toMatch(/does not start with '\{'/);
    expect(failure(file('')).message).toMatch(/does not start with '\{'/);
    expect(failure(file(Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d))).message).toMatch(/not valid UTF-8/);
  });

  it('malformed entries, each named', () => {
    const e = failure(
      file({
        a: 'F32',
        b: { shape: [1], data_offsets: [0, 4] },
        c: entry('F33', [1], 0, 4),
        d: entry('F32', [-1], 0, 4),
        e: entry('F32', [1.5], 0, 4),
        f: { dtype: 'F32', shape: [1], data_offsets: [8, 4] },
        g: { dtype: 'F32', shape: [1], data_offsets: [0] },
        __metadata__: { ok: 'yes', n: 3 },
      }),
    );
    expect(e.problems).toEqual([
      'a: the entry must be an object with dtype, shape and data_offsets',
      'b: dtype must be a string',
      'c: unknown dtype "F33"',
      'd: shape must be an array of non-negative integers, got [-1]',
      'e: shape must be an array of non-negative integers, got [1.5]',
      'f: data_offsets must be [begin, end] with 0 <= begin <= end, got [8,4]',
      'g: data_offsets must be [begin, end] with 0 <= begin <= end, got [0]',
      '__metadata__.n: must be a string, got 3',
    ]);
    expect(e.message).toMatch(/^not a valid safetensors file \(8 problems\):\n {2}- a: the entry must be/);
  });

  it('a data length that does not match dtype and shape', () => {
    const h = { ...good(), 'c1.bias': entry('F32', [6], 600, 620) };
    expect(failure(file(h, 620)).problems).toEqual(['c1.bias: data_offsets [600, 620] hold 20 bytes, but F32 [6] needs 24']);
  });

  it('offsets out of range', () => {
    const h = { ...good(), 'c1.bias': entry('F32', [6], 700, 724) };
    expect(failure(file(h, 624)).problems).toEqual(['c1.bias: data_offsets [700, 724] run past the end of the data buffer (624 bytes)']);
  });

  it('overlapping tensors', () => {
    const h = { ...good(), 'c1.bias': entry('F32', [6], 580, 604) };
    expect(failure(file(h, 604)).problems).toEqual(['c1.bias: data_offsets [580, 604] overlap c1.weight [0, 600]']);
    const same = { ...good(), 'c1.bias': entry('F32', [6], 0, 24) };
    expect(failure(file(same, 600)).problems[0]).toMatch(/overlap/);
  });

  it('holes: before, between, after the tensors', () => {
    const before = { 'c1.weight': entry('F32', [6, 1, 5, 5], 4, 604), 'c1.bias': entry('F32', [6], 604, 628) };
    expect(failure(file(before, 628)).problems).toEqual(['bytes [0, 4) of the data buffer belong to no tensor (a hole before c1.weight)']);
    const between = { ...good(), 'c1.bias': entry('F32', [6], 608, 632) };
    expect(failure(file(between, 632)).problems).toEqual(['bytes [600, 608) of the data buffer belong to no tensor (a hole before c1.bias)']);
    expect(failure(file(good(), 630)).problems).toEqual(['bytes [624, 630) at the end of the data buffer belong to no tensor']);
  });

  it('a tensor named twice in the header', () => {
    const h = JSON.stringify(good()).replace('"c1.bias"', '"c1.weight"');
    expect(failure(file(h, 624)).problems).toEqual(['c1.weight: appears more than once in the header']);
  });
});

describe('a file that does not match the layout', () => {
  it('wrong shape, with both shapes', () => {
    const h = { ...good(), 'c1.weight': entry('F32', [6, 1, 3, 3], 0, 216), 'c1.bias': entry('F32', [6], 216, 240) };
    const e = failure(file(h, 240));
    expect(e.message).toBe('the file does not match the parameter layout: c1.weight: expected shape [6,1,5,5], file has [6,1,3,3]');
  });

  it('a missing tensor', () => {
    const e = failure(file({ 'c1.weight': entry('F32', [6, 1, 5, 5], 0, 600) }, 600));
    expect(e.problems).toEqual(['c1.bias: missing from the file (expected shape [6])']);
  });

  it('an extra tensor', () => {
    const e = failure(file({ ...good(), 'c2.weight': entry('F32', [2], 624, 632) }, 632));
    expect(e.problems).toEqual(['c2.weight: in the file but not in the layout (F32 [2])']);
  });

  it('an unsupported dtype (F16, BF16, integers): refused, not converted', () => {
    for (const dtype of ['F16', 'BF16', 'I32', 'U8']) {
      const size = { F16: 2, BF16: 2, I32: 4, U8: 1 }[dtype]!;
      const h = { ...good(), 'c1.bias': entry(dtype, [6], 600, 600 + 6 * size) };
      expect(failure(file(h, 600 + 6 * size)).problems).toEqual([
        `c1.bias: dtype ${dtype} is not supported (F32 is read as is, F64 is converted; nothing else is accepted)`,
      ]);
    }
  });

  it('everything at once, every problem listed', () => {
    const h = { 'c1.weight': entry('F16', [6, 1, 3, 3], 0, 108), extra: entry('F32', [1], 108, 112) };
    const e = failure(file(h, 112));
    expect(e.problems).toEqual([
      'c1.weight: dtype F16 is not supported (F32 is read as is, F64 is converted; nothing else is accepted)',
      'c1.weight: expected shape [6,1,5,5], file has [6,1,3,3]',
      'c1.bias: missing from the file (expected shape [6])',
      'extra: in the file but not in the layout (F32 [1])',
    ]);
    expect(e.message.split('\n')[0]).toBe('the file does not match the parameter layout (4 problems):');
  });

  it('a layout our own encoder wrote for another network', () => {
    const other: ParamLayoutEntry[] = [{ name: 'c1.weight', offset: 0, shape: [6, 1, 3, 3] }];
    expect(failure(encodeSafetensors(new Float32Array(54), other)).problems).toEqual([
      'c1.weight: expected shape [6,1,5,5], file has [6,1,3,3]',
      'c1.bias: missing from the file (expected shape [6])',
    ]);
  });

  it('an output vector too short for the layout is a plain error before reading', () => {
    expect(() => decodeSafetensors(file(good(), 624), LAYOUT, new Float32Array(10))).toThrow(
      'decodeSafetensors: c1.weight: layout range [0, 150) is outside the parameter vector (length 10)',
    );
  });
});
