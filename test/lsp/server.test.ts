// The real server (`cnnc lsp --stdio`, spawned) driven over JSON-RPC as an editor drives it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction, CompletionItem, DocumentSymbol, Hover, InlayHint, MarkupContent, TextEdit,
} from 'vscode-languageserver/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../src/check/index.js';
import { formatCnn } from '../../src/fmt/index.js';
import { root, TestClient } from './client.js';

const URI = 'file:///work/models/kernel-too-big.cnn';
const TEXT = readFileSync(join(root, 'examples', 'errors', 'kernel-too-big.cnn'), 'utf8');

let client: TestClient;
beforeAll(async () => {
  client = await TestClient.start();
});
afterAll(() => client?.kill());

const doc = { uri: URI };

describe('cnnc lsp --stdio', () => {
  it('announces its features', async () => {
    const init = client.initResult!;
    expect(init.serverInfo?.name).toBe('cnnc');
    expect(init.capabilities).toMatchObject({
      hoverProvider: true,
      inlayHintProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    });
    expect(init.capabilities.completionProvider).toBeDefined();
  });

  it('publishes the checker\'s diagnostics on open, with 0-based ranges', async () => {
    await client.open(URI, TEXT, 1);
    const p = await client.diagnosticsFor(URI, 1);
    expect(p.version).toBe(1);
    const expected = checkSource(TEXT, '/work/models/kernel-too-big.cnn').diagnostics;
    expect(p.diagnostics).toEqual(
      expected.map((d) => ({
        range: {
          start: { line: d.range.start.line - 1, character: d.range.start.column - 1 },
          end: { line: d.range.end.line - 1, character: d.range.end.column - 1 },
        },
        severity: d.severity === 'error' ? 1 : d.severity === 'warning' ? 2 : 3,
        code: d.code,
        source: 'cnnc',
        message: d.message,
      })),
    );
    expect(p.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['window-too-large', 9, 13]]);
  });

  it('offers the diagnostic\'s fixes as quick fixes', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: doc,
      range: { start: { line: 9, character: 14 }, end: { line: 9, character: 14 } },
      context: { diagnostics: [] },
    });
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === 'window-too-large')).toBe(true);
    const fixed = TextDocument.applyEdits(TextDocument.create(URI, 'cnn', 1, TEXT), actions[0]!.edit!.changes![URI]!);
    expect(checkSource(fixed, 'x.cnn').diagnostics.map((d) => d.code)).not.toContain('window-too-large');
  });

  it('publishes new diagnostics after each change, for that version', async () => {
    // Line 10 (0-based 9) is `c5: conv 120 5x5 relu ...`: 5x5 -> 3x3 fits the 4x4 input.
    const since = client.published.length;
    await client.change(URI, 2, [{ range: { start: { line: 9, character: 13 }, end: { line: 9, character: 16 } }, text: '3x3' }]);
    const p = await client.diagnosticsFor(URI, 2, since);
    expect(p.version).toBe(2);
    expect(p.diagnostics).toEqual([]);
    // Two quick changes: only results for the newest version may arrive last.
    const since2 = client.published.length;
    await client.change(URI, 3, [{ range: { start: { line: 9, character: 13 }, end: { line: 9, character: 16 } }, text: '9x9' }]);
    await client.change(URI, 4, [{ range: { start: { line: 9, character: 13 }, end: { line: 9, character: 16 } }, text: '7x7' }]);
    const last = await client.diagnosticsFor(URI, 4, since2);
    expect(last.diagnostics.map((d) => d.code)).toEqual(['window-too-large']);
    expect(last.diagnostics[0]!.message).toMatch(/7x7/);
    const after = client.published.filter((x) => x.seq > last.seq && x.uri === URI);
    expect(after.every((x) => (x.version ?? 0) >= 4)).toBe(true);
    // back to the fitting kernel for the requests below
    await client.change(URI, 5, [{ range: { start: { line: 9, character: 13 }, end: { line: 9, character: 16 } }, text: '3x3' }]);
    await client.diagnosticsFor(URI, 5, last.seq + 1);
  });

  it('hovers with shapes, the size formula, params and MACs', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: doc, position: { line: 5, character: 2 } });
    const text = (h.contents as MarkupContent).value;
    expect(text).toContain('1x28x28 -> 6x24x24');
    expect(text).toContain('(28 - 5 + 2*0)/1 + 1 = 24');
    expect(text).toContain('params 156');
    expect(text).toContain('MACs 86,400');
    expect(await client.request('textDocument/hover', { textDocument: doc, position: { line: 0, character: 0 } })).toBeNull();
  });

  it('gives inlay hints with each layer\'s output shape', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: doc,
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    const byLine = new Map(hints.map((h) => [h.position.line, h.label]));
    expect(byLine.get(5)).toBe('-> 6x24x24');
    expect(byLine.get(9)).toBe('-> 120x2x2');
    expect(byLine.get(11)).toBe('-> 10');
  });

  it('completes the options a layer line can still take', async () => {
    const since = client.published.length;
    await client.change(URI, 6, [{ range: { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } }, text: 'conv 6 5x5 stride 2 \n' }]);
    await client.diagnosticsFor(URI, 6, since);
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: doc,
      position: { line: 12, character: 20 },
    });
    expect(items.map((i) => i.label)).toEqual(['pad', 'dilation', 'nobias', 'relu', 'sigmoid', 'tanh', 'leakyrelu']);
    const since2 = client.published.length;
    await client.change(URI, 7, [{ range: { start: { line: 12, character: 0 }, end: { line: 13, character: 0 } }, text: '' }]);
    await client.diagnosticsFor(URI, 7, since2);
  });

  it('formats the document to exactly formatCnn\'s text', async () => {
    const current = TextDocument.create(URI, 'cnn', 1, TEXT.replace('c5: conv 120 5x5', 'c5: conv 120 3x3'));
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: doc,
      options: { tabSize: 2, insertSpaces: true },
    });
    const expected = formatCnn(current.getText());
    if ('error' in expected) throw new Error(expected.error);
    expect(expected.changed).toBe(true);
    expect(TextDocument.applyEdits(current, edits)).toBe(expected.text);
  });

  it('outlines the layers', async () => {
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: doc });
    expect(syms.map((s) => s.name)).toEqual([
      'kernel_too_big', 'input', 'c1', 's2', 'c3', 's4', 'c5', 'dense1', 'softmax1', 'loss cross_entropy',
    ]);
  });

  it('answers an internal error with an error response, logs it, and keeps serving', async () => {
    await expect(client.request('textDocument/hover', { textDocument: doc, position: null })).rejects.toThrow(/hover failed/);
    await client.until(() => client.logs.find((l) => /hover failed/.test(l.message)), 5000, 'the log line');
    const h = await client.request<Hover>('textDocument/hover', { textDocument: doc, position: { line: 5, character: 0 } });
    expect((h.contents as MarkupContent).value).toContain('6x24x24');
    // Requests about a document that is not open get empty answers.
    const other = { uri: 'file:///nowhere.cnn' };
    expect(await client.request('textDocument/hover', { textDocument: other, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.request('textDocument/documentSymbol', { textDocument: other })).toEqual([]);
  });

  it('clears the diagnostics of a closed document', async () => {
    const since = client.published.length;
    await client.close(URI);
    const p = await client.until(() => client.published.find((x) => x.seq >= since && x.uri === URI), 5000, 'clear');
    expect(p.diagnostics).toEqual([]);
  });

  it('shuts down and exits with 0', async () => {
    expect(await client.stop()).toBe(0);
  });
});
