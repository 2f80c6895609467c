// The VS Code extension's TextMate grammar, run headless with VS Code's own engine (vscode-textmate
// on the oniguruma regex library compiled to wasm): scopes of a sample, token by token.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from './client.js';

const require = createRequire(import.meta.url);
const GRAMMAR = join(root, 'editors', 'vscode', 'syntaxes', 'cnn.tmLanguage.json');

let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.cnn' ? textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  const g = await registry.loadGrammar('source.cnn');
  if (g === null) throw new Error('grammar not loaded');
  grammar = g;
});

/** [text, innermost scope] for every token of every line (whitespace tokens left out). */
function scopes(text: string): [string, string][] {
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim() === '') continue;
      out.push([s.trim(), t.scopes[t.scopes.length - 1]!]);
    }
    state = r.ruleStack;
  }
  return out;
}

describe('cnn.tmLanguage.json', () => {
  it('is the grammar the extension declares', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'editors', 'vscode', 'package.json'), 'utf8')) as {
      contributes: { grammars: { language: string; scopeName: string; path: string }[]; languages: { id: string; extensions: string[] }[] };
    };
    expect(pkg.contributes.grammars).toEqual([{ language: 'cnn', scopeName: 'source.cnn', path: './syntaxes/cnn.tmLanguage.json' }]);
    expect(pkg.contributes.languages[0]).toMatchObject({ id: 'cnn', extensions: ['.cnn'] });
  });

  it('scopes a sample line by line', () => {
    const sample = [
      '# LeNet-5',
      'network lenet5',
      'input 1x32x32',
      'c1: conv 6 5x5 stride 2 pad same dilation 1 nobias relu  # -> 6x28x28',
      'repeat 2 {',
      '  maxpool 2',
      '}',
      'leakyrelu -0.2',
      'dropout .5',
      'loss cross_entropy',
    ].join('\n');
    expect(scopes(sample)).toEqual([
      ['#', 'punctuation.definition.comment.cnn'],
      ['LeNet-5', 'comment.line.number-sign.cnn'],
      ['network', 'keyword.other.network.cnn'],
      ['lenet5', 'entity.name.type.network.cnn'],
      ['input', 'keyword.other.input.cnn'],
      ['1x32x32', 'constant.numeric.dims.cnn'],
      ['c1', 'entity.name.function.label.cnn'],
      [':', 'punctuation.separator.label.cnn'],
      ['conv', 'support.function.layer.cnn'],
      ['6', 'constant.numeric.cnn'],
      ['5x5', 'constant.numeric.dims.cnn'],
      ['stride', 'variable.parameter.option.cnn'],
      ['2', 'constant.numeric.cnn'],
      ['pad', 'variable.parameter.option.cnn'],
      ['same', 'constant.language.pad-mode.cnn'],
      ['dilation', 'variable.parameter.option.cnn'],
      ['1', 'constant.numeric.cnn'],
      ['nobias', 'variable.parameter.option.cnn'],
      ['relu', 'support.function.activation.cnn'],
      ['#', 'punctuation.definition.comment.cnn'],
      ['-> 6x28x28', 'comment.line.number-sign.cnn'],
      ['repeat', 'keyword.control.repeat.cnn'],
      ['2', 'constant.numeric.cnn'],
      ['{', 'punctuation.section.block.begin.cnn'],
      ['maxpool', 'support.function.layer.cnn'],
      ['2', 'constant.numeric.cnn'],
      ['}', 'punctuation.section.block.end.cnn'],
      ['leakyrelu', 'support.function.activation.cnn'],
      ['-0.2', 'constant.numeric.cnn'],
      ['dropout', 'support.function.layer.cnn'],
      ['.5', 'constant.numeric.cnn'],
      ['loss', 'keyword.other.loss.cnn'],
      ['cross_entropy', 'support.constant.loss.cnn'],
    ]);
  });

  it('does not take keywords inside names, nor numbers inside words', () => {
    const s = scopes('conv_1: dense 10\nloss crossentropy\nconvv 3px');
    expect(s[0]).toEqual(['conv_1', 'entity.name.function.label.cnn']);
    expect(s).toContainEqual(['crossentropy', 'invalid.illegal.loss.cnn']);
    expect(s.find(([t]) => t.startsWith('convv'))?.[1]).toBe('source.cnn');
    expect(s.find(([t]) => t.includes('3px'))?.[1]).toBe('source.cnn');
  });
});
