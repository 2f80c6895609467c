// main() in-process, with captured streams: dispatch, help and usage errors.

import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main, usage, version } from '../../src/cli/main.js';

async function run(argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('main', () => {
  it('reads the version from package.json', async () => {
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await run(['-V'])).toEqual({ code: 0, out: `cnnc ${version()}\n`, err: '' });
  });

  it('prints the usage on stdout for help, on stderr with exit 2 for nothing', async () => {
    expect(await run(['help'])).toEqual({ code: 0, out: usage(), err: '' });
    expect(await run(['-h'])).toEqual({ code: 0, out: usage(), err: '' });
    expect(await run([])).toEqual({ code: 2, out: '', err: usage() });
  });

  it('rejects help on an unknown command or on two', async () => {
    expect(await run(['help', 'sumary'])).toEqual({
      code: 2,
      out: '',
      err: "cnnc: unknown command 'sumary'; did you mean 'summary'? (see 'cnnc --help')\n",
    });
    expect((await run(['help', 'check', 'summary'])).code).toBe(2);
  });

  it('treats --help after -- as a file name', async () => {
    const r = await run(['check', '--', '--help']);
    expect(r).toEqual({ code: 2, out: '', err: 'cnnc: cannot read --help: no such file\n' });
  });

  it('runs a command with the given streams', async () => {
    const r = await run(['summary', 'examples/factorised.cnn']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^a_1x7\s+conv 32 1x7 stride 1 pad 0x3\s+32x16x16\s+7,200\s+1,835,008\s+8,192$/m);
    expect(r.out).toMatch(/^b_1x7\s+conv 64 1x7 stride 1 pad 0x3\s/m);
  });
});
