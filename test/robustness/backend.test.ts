// Robustness of the back end (src/emit, src/lower, src/compile.ts): names and paths stay data
// (escaped in comments and strings; a non-identifier layer name is an Error naming it), and the
// module's size is bounded before anything is emitted (module-too-large, located at the layer).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNetwork, compileSourceSync } from '../../src/compile.js';
import { cnnc, runProblems } from './support/binary.js';
import { loadFast } from './support/load.js';

const API = ['backward', 'createWorkspace', 'forward', 'initParams', 'inputShape', 'outputShape', 'paramCount', 'paramLayout'];

describe('the back end keeps names and paths out of the code', () => {
  it('compileSource with a file name holding a line break or U+2028: the header stays a comment', () => {
    // src/emit/header.ts writes options.sourceName (default: the file) into a `//` comment, escaped.
    for (const file of [
      'a\nexport const injected = 1;\n//.cnn',
      'a\u2028export const injected = 1;\u2028//.cnn',
      'a\rb.cnn',
    ]) {
      const r = compileSourceSync('input 4\ndense 2\n', file);
      const mod = loadFast(r.code!);
      expect(Object.keys(mod).sort(), JSON.stringify(file)).toEqual(API);
    }
  });

  it('compileNetwork on a Network the checker never saw: a name that is not an identifier stays data', () => {
    // The checker refuses such names (invalid-name); for a hand-made Network, emitModule does:
    // either an Error that names the layer, or a module in which the name is only data, is right.
    const r = compileSourceSync('input 4\nd: dense 2\n', 'x.cnn');
    const layer = r.network!.layers[0]!;
    const name = "d'); throw new Error('injected'); ('";
    const network = {
      ...r.network!,
      layers: [{ ...layer, name, params: layer.params.map((p) => ({ ...p, name: p.name.replace(/^d/, name) })) }],
    };
    let code: string | undefined;
    try {
      code = compileNetwork(network).code;
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toContain(name);
      return;
    }
    expect(loadFast(code).paramLayout[0]!.name).toBe(`${name}.weight`);
  });
});

describe('the back end bounds the size of what it writes', () => {
  it('a clean model at the layer limit: compile ends within 8 s with a module or a located error', async () => {
    // 100,000 conv layers: 232 M parameters and 102 M activations, under every checker limit. The
    // module would be ~1.4 GB of text; without the bound cnnc ran ~70 s and 3.3 GB, then died with
    // "internal error: Invalid string length" (exit 70). Now: module-too-large, in about 2.5 s.
    const dir = await mkdtemp(join(tmpdir(), 'cnnc-size-'));
    try {
      const file = join(dir, 'deep.cnn');
      await writeFile(file, 'input 16x8x8\nrepeat 100000 {\n  conv 16 3x3 pad same\n}\n');
      expect(cnnc(['check', file]).code).toBe(0);
      const r = cnnc(['compile', file, '-o', join(dir, 'deep.ts')], {
        timeout: 8_000,
        node: ['--max-old-space-size=2048'],
      });
      expect(r.signal, 'still running after 8 s').toBeNull();
      expect(runProblems(r, 'compile deep.cnn')).toEqual([]);
      expect([0, 1]).toContain(r.code);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
