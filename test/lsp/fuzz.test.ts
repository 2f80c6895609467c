// The real server under a few hundred random edits (seeded): valid pieces of lines, garbage
// characters (control bytes, lone surrogates), huge numbers, line breaks of every kind, braces;
// with requests at random positions and documents closed and reopened in between. The server must
// stay up, answer every well-formed request without an error, publish only ranges that lie inside
// the version they were published for, and never publish an older version after a newer one.

import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClient } from './client.js';

const SNIPPETS = [
  'network n', 'input 1x28x28', 'input 3', 'c1: ', 'conv 6 5x5 relu', 'conv 8 3x3 stride 2 pad same', 'maxpool 2',
  'avgpool 3 stride 1 pad 1', 'globalavgpool', 'flatten', 'dense 10', 'dense 3000000000', 'softmax', 'relu',
  'leakyrelu -0.5', 'dropout 1', 'dropout 0.5', 'repeat 3 {', 'repeat 99999999 {', '}', '{', ':', '#', '# note',
  'loss cross_entropy', 'loss mse', 'pad', 'full', 'dilation 2x1', 'nobias', '99999999999999999999999', '1e999',
  '2147483648', '-1', '0x0', '5x', '\n', '\n', '\r\n', '\r', ' ', '\t', 'é😀',
];

const junkChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const insertText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...SNIPPETS), { maxLength: 5 }).map((a) => a.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: junkChar, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant('') },
  // rare and costly: many lines at once, and blocks nested past the parser's depth limit
  { weight: 1, arbitrary: fc.constantFrom('conv 1 1\n'.repeat(40), 'repeat 2 {\n'.repeat(70), 'c9: dense 4\n') },
);

type Op =
  | { kind: 'change'; a: number; b: number; text: string }
  | { kind: 'request'; method: string; a: number; b: number }
  | { kind: 'reopen' };

const REQUESTS = [
  'textDocument/hover', 'textDocument/inlayHint', 'textDocument/completion', 'textDocument/formatting',
  'textDocument/documentSymbol', 'textDocument/codeAction',
];

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('change' as const), a: fc.nat(), b: fc.nat(), text: insertText }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), method: fc.constantFrom(...REQUESTS), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

let client: TestClient;
beforeAll(async () => {
  client = await TestClient.start();
});
afterAll(() => client?.kill());

function insideDocument(text: string, range: Range): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const ok = (p: Range['start']): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length &&
    p.character >= 0 && p.character <= lines[p.line]!.length;
  const ordered = range.start.line < range.end.line ||
    (range.start.line === range.end.line && range.start.character <= range.end.character);
  return ok(range.start) && ok(range.end) && ordered;
}

let run = 0;

it('survives random edits and requests, and publishes only ranges inside the document', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 40 }), fc.array(op, { minLength: 60, maxLength: 90 }), async (start, ops) => {
      const uri = `file:///fuzz/run${run++}.cnn`;
      const texts = new Map<string, string>(); // `${uri}@${version}` -> text
      let doc = TextDocument.create(uri, 'cnn', 1, start);
      texts.set(`1`, start);
      await client.open(uri, start, 1);
      for (const o of ops) {
        const len = doc.getText().length;
        if (o.kind === 'change') {
          const s = o.a % (len + 1);
          const e = s + (o.b % Math.max(1, Math.min(len - s + 1, 30)));
          const range = { start: doc.positionAt(s), end: doc.positionAt(e) };
          const version = doc.version + 1;
          doc = TextDocument.update(doc, [{ range, text: o.text }], version);
          texts.set(String(version), doc.getText());
          await client.change(uri, version, [{ range, text: o.text }]);
        } else if (o.kind === 'reopen') {
          await client.close(uri);
          const version = doc.version + 1;
          doc = TextDocument.create(uri, 'cnn', version, doc.getText());
          texts.set(String(version), doc.getText());
          await client.open(uri, doc.getText(), version);
        } else {
          const p = doc.positionAt(o.a % (len + 1));
          const q = doc.positionAt(Math.max(o.a % (len + 1), o.b % (len + 1)));
          const params = {
            textDocument: { uri },
            position: p,
            range: { start: p, end: q },
            options: { tabSize: 2, insertSpaces: true },
            context: { diagnostics: [] },
          };
          await client.request(o.method, params); // rejects (fails the run) on an error response
        }
      }
      const final = await client.diagnosticsFor(uri, doc.version);
      expect(final.version).toBe(doc.version);
      const mine = client.published.filter((x) => x.uri === uri && x.version !== undefined);
      let last = 0;
      for (const p of mine) {
        expect(p.version!).toBeGreaterThanOrEqual(last);
        last = p.version!;
        const text = texts.get(String(p.version))!;
        for (const d of p.diagnostics) {
          if (!insideDocument(text, d.range)) throw new Error(`range ${JSON.stringify(d.range)} outside v${p.version}: ${JSON.stringify(text)}`);
          expect(d.source).toBe('cnnc');
          expect(typeof d.code).toBe('string');
        }
      }
      await client.close(uri);
      expect(client.alive).toBe(true);
    }),
    { seed: 20240601, numRuns: 4, endOnFailure: true },
  );
  expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
  expect(await client.stop()).toBe(0);
});
