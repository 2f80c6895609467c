// What the fuzzer feeds cnnc: random bytes, random sequences of the language's own tokens (and of
// the characters and numbers that sit at its edges), mutations of the project's own models (tokens
// inserted, deleted, swapped, replaced; lines duplicated, deleted, swapped), and clean random
// models (test/support/arb-cnn.ts) whose labels are names that are also words of JavaScript.

import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWORDS, LOSS_FUNCTIONS } from '../../../grammar/index.js';
import { checkSource } from '../../../src/check/index.js';
import { arbCnn, type ArbCnnOptions } from '../../support/arb-cnn.js';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Layer and network names that mean something to JavaScript, TypeScript or the generated module
 * itself (its exports, locals and buffers). Each must work as a name and give a module that behaves.
 */
// prettier-ignore
export const SPECIAL_NAMES: readonly string[] = [
  'constructor', '__proto__', 'toString', 'delete', 'await', 'default', 'prototype', 'hasOwnProperty',
  'valueOf', 'then', 'eval', 'arguments', 'let', 'yield', 'static', 'enum', 'class', 'function', 'return',
  'this', 'new', 'super', 'import', 'export', 'var', 'void', 'typeof', 'instanceof', 'NaN', 'Infinity',
  'undefined', 'null', 'true', 'false', 'globalThis', 'Object', 'Math', 'Error', 'Float32Array',
  'Float64Array', 'Int32Array', 'p', 'ws', 'grad', 'training', 'n', 'b', 'i', 'x', 'y', '_', '__',
  '__layers', 'MODEL', 'forward', 'backward', 'lossAndGrad', 'initParams', 'createWorkspace', 'paramLayout',
  'paramCount', 'inputShape', 'outputShape', 'Workspace', 'uniform', 'lengthError', 'checkWorkspace',
  'runForward', 'runBackward', 'crossEntropy', 'meanSquaredError', 'a0', 'a1', 'g0', 'g1', 'e0', 'm0', 'i0',
  'dInput', 'rng', 'batch', 'model',
];

/** Numbers at the edges: zero, negatives, 2^31, 2^53 + 1, overflow to infinity, denormals. */
// prettier-ignore
export const EDGE_NUMBERS: readonly string[] = [
  '0', '1', '2', '3', '5', '7', '-1', '-0', '0.5', '.5', '1e-2', '0.999', '1e309', '-1e309', '1e-320',
  '2147483647', '2147483648', '4294967296', '9007199254740993', '99999999999999999999999', '1e20', '100000',
  '1000000000', '0x0', '1x1', '5x5', '3x3', '1x28x28', '3x100000x100000', '100000x100000', '2x2x2x2', '-1x2',
  '5x', '5.', '1.2.3', '5X5', '3px',
];

// prettier-ignore
const PUNCTUATION: readonly string[] = [
  ':', '{', '}', '# a comment', '#', '\n', '\n', '\n', '\r\n', '\r', '\t', ' ', '  ', '@', ',', '=', ';',
  '(', ')', '*', '+', '"', "'", '\u00d7', '\u0000', '\u007f', '\ufeff', '\u00a0', '\u2028', '\u2029',
  '\u001b', '\u001b[31m', '\u009b', '\u0085', '\ud800', '\udc00', '\u00e9', '\ud83d\ude00', '\u202e', '\\',
  '`', '$', '${x}', '*/', '/*',
];

/** Every token of the vocabulary the token soup and the mutations draw from. */
// prettier-ignore
export const VOCABULARY: readonly string[] = [
  ...KEYWORDS, ...LOSS_FUNCTIONS, ...SPECIAL_NAMES.slice(0, 12), 'c1', 'Conv', 'convv', 'residual', 'linear',
  ...EDGE_NUMBERS, ...PUNCTUATION,
];

/** The project's own models: the examples, the broken examples and the fixtures. */
export function corpus(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (dir: string, pick: (f: string) => string | undefined): void => {
    for (const f of readdirSync(join(root, dir)).sort()) {
      const p = pick(f);
      if (p !== undefined) out.push({ name: `${dir}/${p}`, text: readFileSync(join(root, dir, p), 'utf8') });
    }
  };
  add('examples', (f) => (f.endsWith('.cnn') ? f : undefined));
  add('examples/errors', (f) => (f.endsWith('.cnn') ? f : undefined));
  // (not the 100,001-layer fixture: a mutant of it that checks clean takes a second to check)
  add('test/fixtures', (f) => (f === 'too-many-layers' ? undefined : `${f}/model.cnn`));
  return out;
}

/** Lexical pieces of a text, whitespace and line breaks kept, so that joining them gives it back. */
export function pieces(text: string): string[] {
  return text.match(/\r\n|\r|\n|[ \t]+|#[^\r\n]*|[A-Za-z_][A-Za-z0-9_]*|[-0-9.][0-9A-Za-z_.]*|[^]/gu) ?? [];
}

function lines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

export type Mutation =
  | { op: 'insert' | 'replace'; at: number; token: string }
  | { op: 'delete-token' | 'delete-line' | 'duplicate-line'; at: number }
  | { op: 'swap-tokens' | 'swap-lines'; at: number; with: number };

export function mutate(text: string, m: Mutation): string {
  if (m.op === 'delete-line' || m.op === 'duplicate-line' || m.op === 'swap-lines') {
    const ls = lines(text);
    if (ls.length === 0) return text;
    const i = m.at % ls.length;
    if (m.op === 'delete-line') ls.splice(i, 1);
    else if (m.op === 'duplicate-line')
      ls.splice(i, 0, ls[i]!.endsWith('\n') || ls[i]!.endsWith('\r') ? ls[i]! : `${ls[i]!}\n`);
    else {
      const j = ('with' in m ? m.with : 0) % ls.length;
      [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    }
    return ls.join('');
  }
  const ps = pieces(text);
  const i = ps.length === 0 ? 0 : m.at % (ps.length + (m.op === 'insert' ? 1 : 0));
  if (m.op === 'insert') ps.splice(i, 0, ` ${m.token} `);
  else if (ps.length === 0) return text;
  else if (m.op === 'replace') ps[i] = m.token;
  else if (m.op === 'delete-token') ps.splice(i, 1);
  else {
    const j = ('with' in m ? m.with : 0) % ps.length;
    [ps[i], ps[j]] = [ps[j]!, ps[i]!];
  }
  return ps.join('');
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('insert' as const, 'replace' as const),
    at: fc.nat(),
    token: fc.constantFrom(...VOCABULARY),
  }),
  fc.record({
    op: fc.constantFrom('delete-token' as const, 'delete-line' as const, 'duplicate-line' as const),
    at: fc.nat(),
  }),
  fc.record({ op: fc.constantFrom('swap-tokens' as const, 'swap-lines' as const), at: fc.nat(), with: fc.nat() }),
);

export interface Case {
  /** how the text was made, for the failure report */
  readonly origin: string;
  readonly text: string;
}

/**
 * One to four mutations of one of the project's models; half of the time of a model that checks
 * clean (the examples, a few fixtures), so that many mutants still reach the back end.
 */
export function arbMutant(models = corpus()): fc.Arbitrary<Case> {
  const clean = models.filter((m) => checkSource(m.text, m.name).network !== undefined);
  const model = fc.oneof(fc.constantFrom(...clean), fc.constantFrom(...models));
  return fc.tuple(model, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([model, ms]) => ({
    origin: `${model.name} with ${JSON.stringify(ms)}`,
    text: ms.reduce((t, m) => mutate(t, m), model.text),
  }));
}

/** Tokens of the vocabulary, separated by a space or nothing. */
export function arbSoup(maxLength = 60): fc.Arbitrary<Case> {
  return fc
    .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(' ', ' ', '', '\n')), { maxLength })
    .map((ts) => {
      const text = ts.map(([t, sep]) => t + sep).join('');
      return { origin: `token soup ${JSON.stringify(text)}`, text };
    });
}

/** Random bytes as the CLI would read them: strict UTF-8 when they are valid, else invalid input. */
export function arbBytes(maxLength = 300): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength }),
    // mostly printable ASCII with line breaks: more of it gets past the lexer
    fc
      .array(fc.oneof(fc.integer({ min: 32, max: 126 }), fc.constantFrom(9, 10, 13, 0, 0xc3, 0xa9, 0xe2, 0x80, 0xa8)), {
        maxLength,
      })
      .map((a) => Uint8Array.from(a)),
  );
}

/** Bytes as text: strict UTF-8 (BOM dropped, as the CLI reads files), or undefined when invalid. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Any string of UTF-16 code units (lone surrogates included): what an editor or a script may pass. */
export function arbAnyText(maxLength = 200): fc.Arbitrary<Case> {
  return fc
    .oneof(
      fc.string({ unit: 'binary', maxLength }),
      fc.uint8Array({ maxLength }).map((b) => String.fromCharCode(...b)),
    )
    .map((text) => ({ origin: `text ${JSON.stringify(text)}`, text }));
}

/**
 * Clean random models (no error, no warning), small enough to run; a third of their labels replaced
 * by SPECIAL_NAMES (arb-cnn labels are l1, l2, ...; each is unique, and so is its replacement).
 */
export function arbClean(options: ArbCnnOptions = {}): fc.Arbitrary<Case> {
  return fc.tuple(arbCnn({ maxSide: 10, maxSteps: 5, ...options }), fc.nat(), fc.boolean()).map(([c, shift, named]) => {
    let text = c.source.replace(/\bl(\d+):/g, (m, k: string) =>
      Number(k) % 3 === 0 ? `${SPECIAL_NAMES[(Number(k) + shift) % SPECIAL_NAMES.length]}:` : m,
    );
    const network = `network ${SPECIAL_NAMES[shift % SPECIAL_NAMES.length]}`;
    if (named) text = /^network \w+$/m.test(text) ? text.replace(/^network \w+$/m, network) : `${network}\n${text}`;
    return { origin: `clean model\n${text}`, text };
  });
}

/** Every special name once: a conv, a pool, flatten, then dense layers, dropout and softmax. */
export function namesModel(names: readonly string[]): string {
  const [conv, pool, flat, drop, soft, ...dense] = names;
  const lines = [
    'network constructor',
    'input 2x6x6',
    `${conv}: conv 3 3x3 pad same relu`,
    `${pool}: maxpool 2`,
    `${flat}: flatten`,
  ];
  dense.forEach((n, i) =>
    lines.push(`${n}: dense ${4 + (i % 3)}${i % 4 === 0 ? ' tanh' : i % 4 === 2 ? ' leakyrelu' : ''}`),
  );
  lines.push(`${drop}: dropout 0.25`, 'dense 3', `${soft}: softmax`, 'loss cross_entropy');
  return `${lines.join('\n')}\n`;
}
