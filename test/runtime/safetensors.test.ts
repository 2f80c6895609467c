// safetensors: round trips, files written byte by byte from the specification, and files written by
// PyTorch (scripts/make-torch-fixtures.py; Debian has no python3-safetensors, so that script writes
// the container by hand in Python, independently of this code).

import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsHeader,
  SafetensorsError,
  type ParamLayoutEntry,
} from '../../src/runtime/index.js';
import { readFixtureBytes, readFixtureJson, type StateDictFixture } from './helpers.js';

const LAYOUT: ParamLayoutEntry[] = [
  { name: 'c1.weight', offset: 0, shape: [2, 1, 3, 3] },
  { name: 'c1.bias', offset: 18, shape: [2] },
  { name: 'd1.weight', offset: 20, shape: [3, 8] },
  { name: 'd1.bias', offset: 44, shape: [3] },
];

function ramp(n: number, Type: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array): Float32Array | Float64Array {
  const out = new Type(n);
  for (let i = 0; i < n; i++) out[i] = (i - n / 2) / 7;
  return out;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('round trip', () => {
  it('float32: the same values back, metadata kept', () => {
    const params = ramp(47);
    const bytes = encodeSafetensors(params, LAYOUT, { format: 'pt', epoch: '3' });
    expect(decodeSafetensors(bytes, LAYOUT)).toEqual(params);
    expect(readSafetensorsHeader(bytes).metadata).toEqual({ format: 'pt', epoch: '3' });
  });

  it('float64: written as F64; read exactly into a Float64Array, rounded into a Float32Array', () => {
    const params = ramp(47, Float64Array);
    const bytes = encodeSafetensors(params, LAYOUT);
    expect(readSafetensorsHeader(bytes).tensors.map((t) => t.dtype)).toEqual(['F64', 'F64', 'F64', 'F64']);
    expect(decodeSafetensors(bytes, LAYOUT, new Float64Array(47))).toEqual(params);
    expect(decodeSafetensors(bytes, LAYOUT)).toEqual(Float32Array.from(params));
  });

  it('the layout order and offsets are free: a layout with gaps and reversed order', () => {
    const layout: ParamLayoutEntry[] = [
      { name: 'b', offset: 10, shape: [2, 2] },
      { name: 'a', offset: 1, shape: [3] },
    ];
    const params = ramp(14);
    const back = decodeSafetensors(encodeSafetensors(params, layout), layout, new Float32Array(14).fill(9));
    expect([...back]).toEqual([9, ...params.slice(1, 4), 9, 9, 9, 9, 9, 9, ...params.slice(10, 14)]);
  });

  it('scalars (shape []), empty tensors, and names that are special in JavaScript', () => {
    const layout: ParamLayoutEntry[] = [
      { name: '__proto__', offset: 0, shape: [] },
      { name: 'empty', offset: 1, shape: [0, 4] },
      { name: 'constructor', offset: 1, shape: [2] },
    ];
    const params = Float32Array.of(1.5, -2, 3);
    const bytes = encodeSafetensors(params, layout);
    expect(readSafetensorsHeader(bytes).tensors.map((t) => t.name)).toEqual(['__proto__', 'empty', 'constructor']);
    expect(decodeSafetensors(bytes, layout)).toEqual(params);
  });

  it('the header is padded with spaces so the data starts 8-byte aligned', () => {
    for (let n = 1; n <= 9; n++) {
      const layout = [{ name: 'x'.repeat(n), offset: 0, shape: [1] }];
      const bytes = encodeSafetensors(Float32Array.of(1), layout);
      const { dataStart } = readSafetensorsHeader(bytes);
      expect(dataStart % 8).toBe(0);
      const header = new TextDecoder().decode(bytes.subarray(8, dataStart));
      expect(header).toMatch(/^\{.*\} *$/);
      expect(header.trimEnd().length).toBeGreaterThan(dataStart - 8 - 8);
    }
  });
});

describe('files written byte by byte from the specification', () => {
  // header: {"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
  const header = '{"w":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
  const layout: ParamLayoutEntry[] = [
    { name: 'w', offset: 0, shape: [1, 2] },
    { name: 'b', offset: 2, shape: [1] },
  ];
  it('our encoder writes exactly these bytes, and reads them back', () => {
    expect(header.length).toBe(110); // 8 + 110 = 118; padded with 2 spaces to 120
    const bytes = Uint8Array.from([
      112, 0, 0, 0, 0, 0, 0, 0, // N = 112, u64 little-endian
      ...ascii(header), 0x20, 0x20,
      0x00, 0x00, 0x80, 0x3f, // w[0] =  1.0  (0x3f800000, little-endian)
      0x00, 0x00, 0x00, 0xc0, // w[1] = -2.0  (0xc0000000)
      0x00, 0x00, 0x00, 0x3f, // b[0] =  0.5  (0x3f000000)
    ]);
    expect(decodeSafetensors(bytes, layout)).toEqual(Float32Array.of(1, -2, 0.5));
    expect(encodeSafetensors(Float32Array.of(1, -2, 0.5), layout)).toEqual(bytes);
  });

  it('an unpadded header (data not aligned), tensors in another order, F64 data converted', () => {
    const h = '{"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]}}';
    const bytes = Uint8Array.from([
      h.length, 0, 0, 0, 0, 0, 0, 0,
      ...ascii(h),
      0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // b = 1.0 as F64 (0x3ff0000000000000)
      0x00, 0x00, 0x40, 0x40, // w[0] = 3.0 (0x40400000)
      0x00, 0x00, 0x80, 0xbf, // w[1] = -1.0 (0xbf800000)
    ]);
    expect((8 + h.length) % 4).not.toBe(0);
    expect(decodeSafetensors(bytes, layout)).toEqual(Float32Array.of(3, -1, 1));
  });

  it('a file with no tensors and only metadata is valid, and empty', () => {
    const h = '{"__metadata__":{"k":"v"}}     ';
    const bytes = Uint8Array.from([h.length, 0, 0, 0, 0, 0, 0, 0, ...ascii(h)]);
    expect(readSafetensorsHeader(bytes)).toMatchObject({ tensors: [], metadata: { k: 'v' }, dataLength: 0 });
    expect(decodeSafetensors(bytes, [])).toEqual(new Float32Array(0));
  });
});

describe('files written by PyTorch', () => {
  const fx = readFixtureJson<StateDictFixture>('state_dict.json');
  const expected = new Float32Array(fx.paramCount);
  for (const e of fx.layout) expected.set(fx.values[e.name]!, e.offset);

  it('the layout in the fixture is the one these tests use', () => {
    expect(fx.layout).toEqual(LAYOUT);
  });

  it('an F32 state_dict loads into the flat layout with the exact values', () => {
    const bytes = readFixtureBytes('state_dict.safetensors');
    const header = readSafetensorsHeader(bytes);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.map((t) => t.name)).toEqual(['c1.bias', 'c1.weight', 'd1.bias', 'd1.weight']); // not layout order
    const params = decodeSafetensors(bytes, LAYOUT);
    expect(params).toEqual(expected);
    expect(params[0]).toBe(Math.fround(fx.values['c1.weight']![0]!)); // exact, not merely close
  });

  it('an F64 state_dict is converted', () => {
    expect(decodeSafetensors(readFixtureBytes('state_dict_f64.safetensors'), LAYOUT)).toEqual(expected);
    expect(decodeSafetensors(readFixtureBytes('state_dict_f64.safetensors'), LAYOUT, new Float64Array(47))).toEqual(Float64Array.from(expected));
  });

  it('an F16 state_dict is refused, naming every tensor', () => {
    const out = new Float32Array(47).fill(7);
    let error: unknown;
    try {
      decodeSafetensors(readFixtureBytes('state_dict_f16.safetensors'), LAYOUT, out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).problems).toEqual(
      LAYOUT.map((e) => `${e.name}: dtype F16 is not supported (F32 is read as is, F64 is converted; nothing else is accepted)`),
    );
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('what we write from those values decodes to the same vector', () => {
    expect(decodeSafetensors(encodeSafetensors(expected, LAYOUT, { format: 'pt' }), LAYOUT)).toEqual(expected);
  });
});

describe('encode checks its arguments', () => {
  it('refuses a layout that does not fit the vector, repeats a name, or uses __metadata__', () => {
    expect(() => encodeSafetensors(new Float32Array(46), LAYOUT)).toThrow(
      'encodeSafetensors: d1.bias: layout range [44, 47) is outside the parameter vector (length 46)',
    );
    expect(() => encodeSafetensors(new Float32Array(4), [LAYOUT[1]!, { ...LAYOUT[1]!, offset: 2 }].map((e) => ({ ...e, offset: e.offset - 18 })))).toThrow(
      /names c1.bias twice/,
    );
    expect(() => encodeSafetensors(new Float32Array(1), [{ name: '__metadata__', offset: 0, shape: [1] }])).toThrow(/invalid tensor name/);
    expect(() => encodeSafetensors(new Float32Array(1), [], { n: 1 as unknown as string })).toThrow(/metadata n must be a string/);
    expect(() => encodeSafetensors([1, 2] as unknown as Float32Array, [])).toThrow(/Float32Array or a Float64Array/);
  });
});
