// The MNIST example's building blocks: the digits, the split, batches, evaluation output, progress.
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../examples/mnist/batches.js';
import { formatConfusion } from '../../examples/mnist/confusion.js';
import { CLASSES, loadAllDigits, loadSplit, PIXELS, pixelStats, SIDE } from '../../examples/mnist/data.js';
import { Progress } from '../../examples/mnist/progress.js';

const all = loadAllDigits();

/** Byte-wise equality of typed arrays (vitest's deep equality is slow on millions of elements). */
const same = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** FNV-1a over an image's float32 bits. */
function fingerprint(images: Float32Array, n: number): number {
  const bits = new Uint32Array(images.buffer, images.byteOffset + n * PIXELS * 4, PIXELS);
  let h = 0x811c9dc5;
  for (const w of bits) h = Math.imul(h ^ w, 0x01000193);
  return h >>> 0;
}

describe('MNIST digits from the mnist package', () => {
  it('reads all 10,000 digits, 0 to 9, as 32x32 images with a 2-pixel empty border', () => {
    expect(all.count).toBe(10_000);
    expect(all.images.length).toBe(10_000 * PIXELS);
    const perDigit = new Array<number>(CLASSES).fill(0);
    for (const l of all.labels) perDigit[l]!++;
    expect(perDigit).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let border = 0;
    let inside = 0;
    for (let n = 0; n < all.count; n++) {
      for (let r = 0; r < SIDE; r++) {
        for (let c = 0; c < SIDE; c++) {
          const v = all.images[n * PIXELS + r * SIDE + c]!;
          if (r < 2 || r >= 30 || c < 2 || c >= 30) border += Math.abs(v);
          else inside += v;
        }
      }
    }
    expect(border).toBe(0);
    expect(inside / (all.count * 28 * 28)).toBeGreaterThan(0.1); // ink: about 13% of a 28x28 field
  });

  it('splits with a seeded shuffle into disjoint, normalised training and held-out sets', () => {
    const a = loadSplit(8000, 2000, 1, all);
    const b = loadSplit(8000, 2000, 1, all);
    const c = loadSplit(8000, 2000, 2, all);
    expect(same(a.train.labels, b.train.labels) && same(a.train.images, b.train.images)).toBe(true);
    expect(same(a.test.images, b.test.images)).toBe(true);
    expect(same(c.train.labels, a.train.labels)).toBe(false);
    const stats = pixelStats(a.train);
    expect(stats.mean).toBeCloseTo(0, 5);
    expect(stats.std).toBeCloseTo(1, 4);
    // every class in both sets, in roughly its share
    for (let d = 0; d < CLASSES; d++) {
      const share = a.test.labels.filter((l) => l === d).length / 2000;
      expect(share).toBeGreaterThan(0.06);
      expect(share).toBeLessThan(0.14);
    }
    // disjoint: no held-out image is also a training image (compared by fingerprint)
    const train = new Set(Array.from({ length: a.train.count }, (_, n) => fingerprint(a.train.images, n)));
    const duplicates = Array.from({ length: a.test.count }, (_, n) => fingerprint(a.test.images, n)).filter((k) =>
      train.has(k),
    );
    expect(duplicates.length).toBeLessThan(3); // a hash collision, or one of MNIST's rare identical images
    // and together the two sets are 10,000 distinct digits' worth of images
    const everything = new Set([
      ...train,
      ...Array.from({ length: a.test.count }, (_, n) => fingerprint(a.test.images, n)),
    ]);
    expect(everything.size).toBeGreaterThan(9990);
    expect(() => loadSplit(9000, 2000, 1, all)).toThrow(/cannot take 9000 training and 2000 held-out/);
  });
});

describe('Batcher', () => {
  const split = loadSplit(100, 10, 3, all);

  it('visits every digit once per epoch (dropping the incomplete last batch) with one-hot targets', () => {
    const batcher = new Batcher(split.train, { batch: 32, seed: 1 });
    expect(batcher.stepsPerEpoch).toBe(3);
    const seen: string[] = [];
    for (const b of batcher.epoch(0)) {
      for (let k = 0; k < 32; k++) {
        const row = b.target.subarray(k * CLASSES, (k + 1) * CLASSES);
        expect(row.reduce((s, v) => s + v, 0)).toBe(1);
        expect(row[b.labels[k]!]).toBe(1);
        seen.push(b.input.subarray(k * PIXELS, (k + 1) * PIXELS).join(','));
      }
    }
    expect(new Set(seen).size).toBe(96);
    // each epoch its own order, and the same one when replayed
    const orderOf = (epoch: number) => Array.from(batcher.epoch(epoch), (b) => b.labels.join()).join('|');
    expect(orderOf(1)).not.toBe(orderOf(2));
    expect(orderOf(1)).toBe(orderOf(1));
  });

  it('shifts digits by a few pixels, filling with the background value, keeping every stroke', () => {
    const bg = -split.mean / split.std;
    const plain = new Batcher(split.train, { batch: 1, seed: 4 });
    const shifted = new Batcher(split.train, { batch: 1, seed: 4, shift: 2, background: bg });
    expect(plain.stepsPerEpoch).toBe(100);
    let moved = 0;
    const pg = plain.epoch(5);
    const sg = shifted.epoch(5);
    for (let i = 0; i < 20; i++) {
      const x = Float32Array.from(pg.next().value!.input);
      const y = Float32Array.from(sg.next().value!.input);
      // y is x translated by some (dy, dx) within +-2, the vacated pixels set to the background
      const translated = (dy: number, dx: number) =>
        Float32Array.from({ length: PIXELS }, (_, k) => {
          const r = Math.floor(k / SIDE) - dy;
          const c = (k % SIDE) - dx;
          return r >= 0 && r < SIDE && c >= 0 && c < SIDE ? x[r * SIDE + c]! : bg;
        });
      const offsets = [-2, -1, 0, 1, 2].flatMap((dy) => [-2, -1, 0, 1, 2].map((dx) => [dy, dx] as const));
      const match = offsets.find(([dy, dx]) => translated(dy, dx).every((v, k) => v === y[k]));
      expect(match).toBeDefined();
      // and no ink is lost (a 20x20 digit in a 28x28 field never leaves the 32x32 one)
      const ink = (im: Float32Array) => im.reduce((s, v) => s + (v - bg), 0);
      expect(ink(y)).toBeCloseTo(ink(x), 1);
      if (match![0] !== 0 || match![1] !== 0) moved++;
    }
    expect(moved).toBeGreaterThan(10);
  });
});

describe('output', () => {
  it('formats a confusion matrix with recall per row', () => {
    const m = Array.from({ length: 10 }, (_, t) =>
      Array.from({ length: 10 }, (_, p) => (t === p ? 190 + t : t === 3 && p === 5 ? 7 : 0)),
    );
    const text = formatConfusion(m);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^true\\pred +0 +1 .* 9 +recall$/);
    expect(lines[4]).toMatch(/^ +3 +0 +0 +0 +193 +0 +7 .* +96\.5%$/);
  });

  it('redraws one line on a terminal and prints plain lines elsewhere', () => {
    let t = 0;
    const now = () => (t += 50);
    const tty = {
      isTTY: true,
      text: '',
      write(s: string) {
        this.text += s;
      },
    };
    const pipe = {
      isTTY: false,
      text: '',
      write(s: string) {
        this.text += s;
      },
    };
    for (const sink of [tty, pipe]) {
      const p = new Progress(sink, { epochs: 2, stepsPerEpoch: 8, batch: 10, now });
      p.startEpoch(0);
      for (let k = 0; k < 8; k++) p.step(k, 1 / (k + 1));
      const e = p.endEpoch();
      expect(e.meanLoss).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6 + 1 / 7 + 1 / 8) / 8, 10);
      expect(e.samplesPerSecond).toBeGreaterThan(0);
    }
    expect(tty.text).toContain('\r\x1b[2K');
    expect(tty.text).not.toContain('\n');
    expect(tty.text).toMatch(/epoch 1\/2 \[=+>? *\] \d\/8 loss \d\.\d{4} +[\d,]+ samples\/s/);
    expect(pipe.text).not.toContain('\r');
    expect(pipe.text.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^epoch 1\/2 step 2\/8 loss 0\.7500 /),
      expect.stringMatching(/^epoch 1\/2 step 4\/8 /),
      expect.stringMatching(/^epoch 1\/2 step 6\/8 /),
      expect.stringMatching(/^epoch 1\/2 step 8\/8 /),
    ]);
  });
});
