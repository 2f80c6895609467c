// The real server under a few hundred random edits (seeded, from edits.ts): valid pieces of lines,
// garbage characters, huge numbers, line breaks of every kind, braces; with requests at random
// positions and documents closed and reopened in between. The server must stay up, answer every
// well-formed request without an error, publish only ranges that lie inside the version they were
// published for, and never publish an older version after a newer one.

import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClient } from './client.js';
import { insideDocument, op, requestParams } from './edits.js';

let client: TestClient;
beforeAll(async () => {
  client = await TestClient.start();
});
afterAll(() => client?.kill());

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
          await client.request(o.method, requestParams(uri, p, q)); // rejects (fails the run) on an error response
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
