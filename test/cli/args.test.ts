import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_OPTION, outputFormat, parseArgs, type OptionSpec } from '../../src/cli/args.js';
import { CliError, didYouMean, errorLine } from '../../src/cli/errors.js';
import { firstInvalidByte, readSourceFile } from '../../src/cli/files.js';
import { colorEnabled, memoryIo, paint } from '../../src/cli/io.js';

const specs: OptionSpec[] = [FORMAT_OPTION, { name: 'output', short: 'o', value: 'FILE' }, { name: 'quiet' }];

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('parseArgs', () => {
  it('reads positionals, valued options in both spellings, switches and --', () => {
    const p = parseArgs('x', ['a.cnn', '--format', 'json', '-o', 'out.ts', '--quiet', '--', '--not-an-option', '-'], specs);
    expect(p.positionals).toEqual(['a.cnn', '--not-an-option', '-']);
    expect(Object.fromEntries(p.options)).toEqual({ format: 'json', output: 'out.ts', quiet: true });
    expect(outputFormat(p)).toBe('json');
    expect(outputFormat(parseArgs('x', ['--format=text'], specs))).toBe('text');
    expect(outputFormat(parseArgs('x', [], specs))).toBe('text');
  });

  it('rejects unknown options with a did-you-mean', () => {
    expect(usageError(() => parseArgs('check', ['--formt', 'json'], specs))).toBe(
      "unknown option '--formt' for check; did you mean '--format'? (see 'cnnc check --help')",
    );
    expect(usageError(() => parseArgs('check', ['--zzzzzzzz'], specs))).toBe(
      "unknown option '--zzzzzzzz' for check (see 'cnnc check --help')",
    );
  });

  it('rejects a missing or bad value, a value on a switch, and a repeated option', () => {
    expect(usageError(() => parseArgs('check', ['--format'], specs))).toContain("option '--format' needs a value");
    expect(usageError(() => parseArgs('check', ['--format', 'jsn'], specs))).toBe(
      "option '--format' must be 'text' or 'json', got 'jsn'; did you mean 'json'?",
    );
    expect(usageError(() => parseArgs('check', ['--quiet=yes'], specs))).toContain('takes no value');
    expect(usageError(() => parseArgs('check', ['-o', 'a', '--output', 'b'], specs))).toContain('given twice');
  });
});

describe('didYouMean and errorLine', () => {
  it('suggests only close words', () => {
    expect(didYouMean('chek', ['check', 'summary', 'compile'])).toBe('check');
    expect(didYouMean('sumary', ['check', 'summary', 'compile'])).toBe('summary');
    expect(didYouMean('frobnicate', ['check', 'summary', 'compile'])).toBeUndefined();
  });

  it('keeps a message on one line', () => {
    expect(errorLine('cannot read a\nb.cnn: no such file')).toBe('cnnc: cannot read a\\nb.cnn: no such file\n');
  });
});

describe('colorEnabled and paint', () => {
  it('colors a TTY unless NO_COLOR is set to something', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(paint('x', false, 'red')).toBe('x');
    expect(paint('x', true, 'bold', 'red')).toBe('\x1b[1;31mx\x1b[0m');
  });

  it('memoryIo captures both streams', () => {
    const io = memoryIo();
    io.stdout.write('a');
    io.stderr.write('b');
    expect([io.out(), io.err(), io.stdout.color]).toEqual(['a', 'b', false]);
  });
});

describe('readSourceFile', () => {
  async function failure(path: string): Promise<string> {
    try {
      await readSourceFile(path);
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      return (err as CliError).message;
    }
    throw new Error('expected a failure');
  }

  it('reads UTF-8 and drops a byte-order mark', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnnc-files-'));
    await writeFile(join(dir, 'a.cnn'), '\ufeffinput 4 # café\n');
    expect(await readSourceFile(join(dir, 'a.cnn'))).toBe('input 4 # café\n');
  });

  it('explains a missing file, a directory and bytes that are not UTF-8', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cnnc-files-'));
    await mkdir(join(dir, 'sub.cnn'));
    await writeFile(join(dir, 'latin1.cnn'), Buffer.from([0x69, 0x6e, 0x0a, 0x23, 0x20, 0xe9, 0x74, 0xe9]));
    expect(await failure(join(dir, 'nope.cnn'))).toBe(`cannot read ${join(dir, 'nope.cnn')}: no such file`);
    expect(await failure(join(dir, 'sub.cnn'))).toBe(`cannot read ${join(dir, 'sub.cnn')}: is a directory, not a .cnn file`);
    expect(await failure(join(dir, 'latin1.cnn'))).toBe(
      `cannot read ${join(dir, 'latin1.cnn')}: not UTF-8 text (invalid byte at offset 5)`,
    );
  });

  it('finds the first byte of an ill-formed sequence', () => {
    const b = (...x: number[]) => Uint8Array.from(x);
    expect(firstInvalidByte(b(0x61, 0xc3, 0xa9, 0x62))).toBe(-1); // "aéb"
    expect(firstInvalidByte(b(0xf0, 0x9f, 0x99, 0x82))).toBe(-1); // 🙂
    expect(firstInvalidByte(b(0x61, 0xc0, 0xaf))).toBe(1); // overlong '/'
    expect(firstInvalidByte(b(0x61, 0x62, 0xed, 0xa0, 0x80))).toBe(2); // a surrogate
    expect(firstInvalidByte(b(0x61, 0xe2, 0x82))).toBe(1); // cut off
    expect(firstInvalidByte(b(0x80))).toBe(0); // a lone continuation byte
  });
});
