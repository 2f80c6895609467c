import { describe, expect, it } from 'vitest';
import type { Diagnostic, Position, SourceRange } from '../../src/diagnostics.js';
import { countLine, jsonReport, renderDiagnostic, renderDiagnostics } from '../../src/cli/render.js';

/** Position of a 0-based offset, counting \n, \r\n and \r as line ends. */
function position(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** The range of the n-th occurrence of `needle` in `text`. */
function rangeOf(text: string, needle: string, n = 0): SourceRange {
  let at = -1;
  for (let k = 0; k <= n; k++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in text`);
  return { start: position(text, at), end: position(text, at + needle.length) };
}

const plain = { color: false };

const lenet = `network lenet5
input 1x32x32

c1: conv 6 5x5 relu
c3: convv 16 5x5 relu
`;

describe('renderDiagnostic', () => {
  it('prints the location, the source line underlined, and one help line per fix', () => {
    const range = rangeOf(lenet, 'convv');
    const d: Diagnostic = {
      severity: 'error',
      code: 'unknown-keyword',
      message: 'unknown keyword `convv`; did you mean `conv`?',
      range,
      fixes: [{ title: 'replace with `conv`', range, replacement: 'conv' }],
    };
    expect(renderDiagnostic(d, 'm.cnn', lenet, plain).split('\n')).toEqual([
      'm.cnn:5:5: error: unknown keyword `convv`; did you mean `conv`? [unknown-keyword]',
      ' 5 | c3: convv 16 5x5 relu',
      '   |     ^~~~~',
      '   = help: replace with `conv`',
    ]);
  });

  it('widens the gutter for long files and labels warnings', () => {
    const text = `${'# pad\n'.repeat(11)}c1: conv 6 5x5 stride 2\n`;
    const d: Diagnostic = {
      severity: 'warning',
      code: 'uneven-window',
      message: 'c1: (28 - 5 + 2*0)/2 + 1 = 12.5; the last 1 column of the input is never read',
      range: rangeOf(text, 'stride 2'),
    };
    expect(renderDiagnostic(d, 'a/b.cnn', text, plain).split('\n')).toEqual([
      'a/b.cnn:12:16: warning: c1: (28 - 5 + 2*0)/2 + 1 = 12.5; the last 1 column of the input is never read [uneven-window]',
      ' 12 | c1: conv 6 5x5 stride 2',
      '    |                ^~~~~~~~',
    ]);
  });

  it('puts one caret after the line for an empty range at its end', () => {
    const text = 'input 1x28x28\nconv 6\n';
    const end = position(text, text.indexOf('conv 6') + 6);
    const d: Diagnostic = {
      severity: 'error', code: 'missing-argument', message: 'conv1: conv needs a kernel size',
      range: { start: end, end },
    };
    expect(renderDiagnostic(d, 'x.cnn', text, plain).split('\n').slice(1)).toEqual([
      ' 2 | conv 6',
      '   |       ^',
    ]);
  });

  it('underlines a range spanning lines to the end of its first line', () => {
    const text = 'input 8\nrepeat 2 {\n  dense 4\n}\n';
    const start = position(text, text.indexOf('repeat'));
    const end = position(text, text.indexOf('}') + 1);
    const d: Diagnostic = { severity: 'warning', code: 'x', message: 'm', range: { start, end } };
    expect(renderDiagnostic(d, 'x.cnn', text, plain).split('\n').slice(1)).toEqual([
      ' 2 | repeat 2 {',
      '   | ^~~~~~~~~~',
    ]);
  });

  it('keeps the underline under the text when the line has tabs and CRLF endings', () => {
    const text = 'input 4x4\r\n\tc1:\tconv 2 5x5\r\n';
    const d: Diagnostic = { severity: 'error', code: 'window-too-large', message: 'm', range: rangeOf(text, '5x5') };
    expect(d.range.start.line).toBe(2);
    expect(renderDiagnostic(d, 'x.cnn', text, plain).split('\n').slice(1)).toEqual([
      ' 2 |     c1:    conv 2 5x5',
      '   |                   ^~~',
    ]);
  });

  it('counts an emoji as two columns', () => {
    const text = 'input 4 # 🙂 ok\nconvv\n';
    const d: Diagnostic = { severity: 'error', code: 'c', message: 'm', range: rangeOf(text, 'ok') };
    expect(renderDiagnostic(d, 'x.cnn', text, plain).split('\n').slice(1)).toEqual([
      ' 1 | input 4 # 🙂 ok',
      '   |              ^~',
    ]);
  });

  it('colors only when asked', () => {
    const d: Diagnostic = { severity: 'error', code: 'c', message: 'm', range: rangeOf(lenet, 'convv') };
    expect(renderDiagnostic(d, 'x.cnn', lenet, plain)).not.toContain('\x1b[');
    const colored = renderDiagnostic(d, 'x.cnn', lenet, { color: true });
    expect(colored).toContain('\x1b[1;31merror:\x1b[0m');
    expect(colored).toContain('\x1b[1;31m^~~~~\x1b[0m');
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderDiagnostic(d, 'x.cnn', lenet, plain));
  });
});

describe('renderDiagnostics', () => {
  it('sorts by position, errors first, a blank line after each', () => {
    const w: Diagnostic = { severity: 'warning', code: 'w', message: 'late', range: rangeOf(lenet, 'convv') };
    const e1: Diagnostic = { severity: 'error', code: 'e', message: 'early', range: rangeOf(lenet, 'conv 6') };
    const e2: Diagnostic = { severity: 'error', code: 'e2', message: 'same place', range: rangeOf(lenet, 'convv') };
    const out = renderDiagnostics([w, e2, e1], 'x.cnn', lenet, plain);
    const headers = out.split('\n').filter((l) => l.startsWith('x.cnn:'));
    expect(headers).toEqual([
      'x.cnn:4:5: error: early [e]',
      'x.cnn:5:5: error: same place [e2]',
      'x.cnn:5:5: warning: late [w]',
    ]);
    expect(out.endsWith('\n\n')).toBe(true);
    expect(renderDiagnostics([], 'x.cnn', lenet, plain)).toBe('');
  });
});

describe('countLine', () => {
  it('says how many errors and warnings, or no problems', () => {
    expect(countLine({ errors: 0, warnings: 0 }, plain)).toBe('no problems');
    expect(countLine({ errors: 1, warnings: 0 }, plain)).toBe('1 error');
    expect(countLine({ errors: 0, warnings: 3 }, plain)).toBe('3 warnings');
    expect(countLine({ errors: 2, warnings: 1 }, plain)).toBe('2 errors, 1 warning');
  });
});

describe('jsonReport', () => {
  it('has 1-based ranges, fixes, and totals over files', () => {
    const range = rangeOf(lenet, 'convv');
    const report = jsonReport([
      {
        file: 'a.cnn',
        diagnostics: [
          { severity: 'warning', code: 'w', message: 'mw', range },
          { severity: 'error', code: 'e', message: 'me', range, fixes: [{ title: 't', range, replacement: 'conv' }] },
        ],
      },
      { file: 'b.cnn', diagnostics: [{ severity: 'info', code: 'i', message: 'mi', range }] },
    ]);
    expect(report).toEqual({
      files: [
        {
          file: 'a.cnn',
          diagnostics: [
            {
              severity: 'error', code: 'e', message: 'me', line: 5, column: 5, endLine: 5, endColumn: 10,
              fixes: [{ title: 't', replacement: 'conv', line: 5, column: 5, endLine: 5, endColumn: 10 }],
            },
            { severity: 'warning', code: 'w', message: 'mw', line: 5, column: 5, endLine: 5, endColumn: 10, fixes: [] },
          ],
        },
        {
          file: 'b.cnn',
          diagnostics: [
            { severity: 'info', code: 'i', message: 'mi', line: 5, column: 5, endLine: 5, endColumn: 10, fixes: [] },
          ],
        },
      ],
      errors: 1,
      warnings: 1,
    });
  });
});
