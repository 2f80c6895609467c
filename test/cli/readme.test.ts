// The README's ```console blocks are what cnnc really prints: each `$ npx cnnc ARGS` block is run
// (as `node bin/cnnc.js ARGS`) and its stdout + stderr compared with the block's text.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cnnc, root } from './run.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```console\n\$ npx cnnc ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
  args: m[1]!.split(' '),
  expected: m[2]!,
}));

describe('README', () => {
  it('shows check and summary output', () => {
    expect(blocks.map((b) => b.args[0])).toEqual(expect.arrayContaining(['check', 'summary']));
  });

  for (const { args, expected } of blocks) {
    it(`shows what \`cnnc ${args.join(' ')}\` prints`, () => {
      const r = cnnc(args);
      expect(`${r.stdout}${r.stderr}`.replace(/\n+$/, '\n')).toBe(expected);
    });
  }
});
