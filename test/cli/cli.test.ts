// The real binary, spawned as users run it. dist/ is built once by test/global-setup.ts.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnc } from './run.js';

/** stderr holds exactly one `cnnc: ...` line and nothing that looks like a stack trace */
function oneLine(stderr: string): string {
  expect(stderr).toMatch(/^cnnc: [^\n]+\n$/);
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr.trimEnd();
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cnnc-cli-'));
});

describe('cnnc summary', () => {
  it('prints the table of an example and exits 0', () => {
    const r = cnnc(['summary', 'examples/lenet5.cnn']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('network lenet5 (examples/lenet5.cnn): input 1x32x32 -> output 10, loss cross_entropy');
    expect(r.stdout).toMatch(/^c1\s+conv 6 5x5 stride 1 pad 0\s+6x28x28\s+156\s+117,600\s+4,704$/m);
    expect(r.stdout).toMatch(/^out\s+dense 10\s+10\s+850\s+840\s+10$/m);
    expect(r.stdout).toMatch(/^parameters\s+61,706 /m);
    expect(r.stdout).toMatch(/^forward MACs\s+416,520 /m);
  });

  it('prints JSON with --format json', () => {
    const r = cnnc(['summary', '--format', 'json', 'examples/alexnet.cnn']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.network).toBe('alexnet');
    expect(s.totals.params).toBe(62_378_344);
    expect(s.layers[0]).toMatchObject({ name: 'conv1', description: 'conv 96 11x11 stride 4 pad 0', output: [96, 55, 55] });
    expect(s.diagnostics).toEqual([]);
  });

  it('prints the diagnostics of a broken model on stderr and exits 1', () => {
    const r = cnnc(['summary', 'examples/errors/kernel-too-big.cnn']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('examples/errors/kernel-too-big.cnn:10:14: error: ');
    expect(r.stderr).toContain('[window-too-large]');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('1 error');
  });

  it('prints the check report as JSON for a broken model with --format json', () => {
    const r = cnnc(['summary', 'examples/errors/kernel-too-big.cnn', '--format=json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toBe(1);
    expect(report.files[0].diagnostics[0]).toMatchObject({ severity: 'error', code: 'window-too-large', line: 10 });
  });

  it('prints warnings on stderr, or in the JSON, and still exits 0', async () => {
    const file = join(tmp, 'uneven.cnn');
    await writeFile(file, 'input 1x28x28\nc1: conv 4 5x5 stride 2\ndense 10\nsoftmax\n');
    const r = cnnc(['summary', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^c1\s+conv 4 5x5 stride 2 pad 0\s+4x12x12\s+104\s/m);
    expect(r.stderr).toContain(`${file}:2:`);
    expect(r.stderr).toContain('warning: ');
    const j = cnnc(['summary', file, '--format', 'json']);
    expect(j.code).toBe(0);
    expect(j.stderr).toBe('');
    const s = JSON.parse(j.stdout);
    expect(s.totals.params).toBe(104 + 5770);
    expect(s.diagnostics.length).toBeGreaterThan(0);
    expect(s.diagnostics.every((d: { severity: string }) => d.severity === 'warning')).toBe(true);
  });

  it('takes exactly one file', () => {
    const r = cnnc(['summary', 'examples/lenet5.cnn', 'examples/vgg16.cnn']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("cnnc: summary takes one .cnn file, got 2 (see 'cnnc summary --help')");
  });
});

describe('cnnc check', () => {
  it('says no problems for a good model and exits 0', () => {
    const r = cnnc(['check', 'examples/lenet5.cnn', 'examples/vgg16.cnn']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'no problems\n', '']);
  });

  it('renders each diagnostic with its source line and fixes, then the count, and exits 1', () => {
    const r = cnnc(['check', 'examples/errors/kernel-too-big.cnn']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^examples\/errors\/kernel-too-big\.cnn:10:14: error: c5: .* \[window-too-large\]$/);
    expect(lines[1]).toBe(' 10 | c5: conv 120 5x5 relu        # error: a 5x5 window does not fit a 4x4 input');
    expect(lines[2]).toBe('    |              ^~~');
    expect(lines[3]).toMatch(/^ {4}= help: /);
    expect(lines.at(-2)).toBe('1 error');
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('totals the count over several files', () => {
    const r = cnnc(['check', 'examples/errors/typo-keyword.cnn', 'examples/lenet5.cnn', 'examples/errors/same-with-stride.cnn']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('examples/errors/typo-keyword.cnn:6:1: error: ');
    expect(r.stdout).toContain('examples/errors/same-with-stride.cnn:7:');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 errors');
  });

  it('prints a JSON report with --format json', () => {
    const r = cnnc(['check', '--format', 'json', 'examples/lenet5.cnn', 'examples/errors/typo-keyword.cnn']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual([
      'examples/lenet5.cnn',
      'examples/errors/typo-keyword.cnn',
    ]);
    expect(report.files[0].diagnostics).toEqual([]);
    expect(report.files[1].diagnostics[0]).toMatchObject({
      severity: 'error', code: 'unknown-keyword', line: 6, column: 1, endLine: 6, endColumn: 6,
      fixes: [{ replacement: 'conv', line: 6, column: 1, endLine: 6, endColumn: 6 }],
    });
    expect([report.errors, report.warnings]).toEqual([2, 0]);
  });

  it('exits 0 on warnings alone', async () => {
    const file = join(tmp, 'warn.cnn');
    await writeFile(file, 'input 1x28x28\nc1: conv 4 5x5 stride 2\ndense 10\nsoftmax\n');
    const r = cnnc(['check', file]);
    expect(r.stdout).toContain(`${file}:2:`);
    expect(r.stdout).toContain('warning: ');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ warnings?$/);
    expect(r.code).toBe(0);
  });
});

describe('cnnc compile (dispatch)', () => {
  it('writes the module of an example and exits 0; writes nothing for a broken model and exits 1', async () => {
    const out = join(tmp, 'lenet5.ts');
    const r = cnnc(['compile', 'examples/lenet5.cnn', '-o', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\/\/ Generated by cnnc /);
    const bad = cnnc(['compile', 'examples/errors/kernel-too-big.cnn', '-o', join(tmp, 'bad.ts')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[window-too-large]');
    expect(existsSync(join(tmp, 'bad.ts'))).toBe(false);
  });
});

describe('input that cannot be read', () => {
  it('a missing file: exit 2, one line', () => {
    const r = cnnc(['check', 'examples/nope.cnn']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toBe('cnnc: cannot read examples/nope.cnn: no such file');
  });

  it('a directory: exit 2, one line', () => {
    const r = cnnc(['summary', 'examples']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('cnnc: cannot read examples: is a directory, not a .cnn file');
  });

  it('a file that is not UTF-8: exit 2, one line', async () => {
    const file = join(tmp, 'latin1.cnn');
    await writeFile(file, Buffer.from('input 4\n# caf\xe9\n', 'latin1'));
    const r = cnnc(['check', file]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`cnnc: cannot read ${file}: not UTF-8 text (invalid byte at offset 13)`);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file: exit 2, one line', async () => {
    const file = join(tmp, 'secret.cnn');
    await writeFile(file, 'input 4\ndense 2\n');
    await chmod(file, 0o000);
    const r = cnnc(['check', file]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`cnnc: cannot read ${file}: permission denied`);
  });

  it('still checks the other files, and exits 2', () => {
    const r = cnnc(['check', 'examples/nope.cnn', 'examples/lenet5.cnn']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('cnnc: cannot read examples/nope.cnn: no such file');
    expect(r.stdout).toBe('no problems\n');
  });
});

describe('usage', () => {
  it('an unknown command: exit 2 with a did-you-mean', () => {
    const r = cnnc(['chek', 'examples/lenet5.cnn']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("cnnc: unknown command 'chek'; did you mean 'check'? (see 'cnnc --help')");
  });

  it('an unknown option: exit 2 with a did-you-mean', () => {
    const r = cnnc(['summary', 'examples/lenet5.cnn', '--formt', 'json']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      "cnnc: unknown option '--formt' for summary; did you mean '--format'? (see 'cnnc summary --help')",
    );
    expect(r.stdout).toBe('');
  });

  it('a bad option value and a missing file argument: exit 2', () => {
    const bad = cnnc(['check', '--format', 'xml', 'examples/lenet5.cnn']);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toBe("cnnc: option '--format' must be 'text' or 'json', got 'xml'");
    const none = cnnc(['check']);
    expect(none.code).toBe(2);
    expect(oneLine(none.stderr)).toBe("cnnc: check needs at least one .cnn file (see 'cnnc check --help')");
  });

  it('an unknown global flag, and no command at all: exit 2', () => {
    const flag = cnnc(['--verison']);
    expect(flag.code).toBe(2);
    expect(oneLine(flag.stderr)).toBe("cnnc: unknown option '--verison'; did you mean '--version'? (see 'cnnc --help')");
    const none = cnnc([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: cnnc <command>');
  });

  it('--help, help COMMAND, COMMAND --help and --version: exit 0 on stdout', () => {
    const help = cnnc(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['check', 'summary', 'compile', 'fmt', 'lsp', 'gradcheck']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const check = cnnc(['help', 'check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^usage: cnnc check FILE\.\.\./);
    const summary = cnnc(['summary', 'examples/lenet5.cnn', '--help']);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^usage: cnnc summary FILE/);
    const compile = cnnc(['compile', '-h']);
    expect(compile.code).toBe(0);
    expect(compile.stdout).toContain('cnnc compile');
    const version = cnnc(['--version']);
    expect([version.code, version.stdout]).toEqual([0, 'cnnc 0.1.0\n']);
  });
});
