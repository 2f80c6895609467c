// `cnnc/runtime` as a user imports it: by the package name, through package.json `exports`, from the
// built dist/ (test/global-setup.ts builds it), with its type declarations. Node resolves a
// package's own name from inside it ("self-reference"), so no install is needed to test this.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the cnnc/runtime entry point', () => {
  it('resolves by name to dist/ and works: an SGD step and a safetensors round trip', () => {
    const script = `
      import { sgd, adam, cosineLr, stepLr, encodeSafetensors, decodeSafetensors, saveParams, loadParams } from 'cnnc/runtime';
      const p = Float32Array.of(1, 2);
      sgd(p, { lr: 0.5, momentum: 0.9 }).step(p, Float32Array.of(1, -1));
      adam(p.length);
      const layout = [{ name: 'w', offset: 0, shape: [2] }];
      const back = decodeSafetensors(encodeSafetensors(p, layout), layout);
      console.log(JSON.stringify({ p: [...back], fns: [saveParams, loadParams, cosineLr, stepLr].map((f) => typeof f), url: import.meta.resolve('cnnc/runtime') }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as {
      p: number[];
      fns: string[];
      url: string;
    };
    expect(out.p).toEqual([0.5, 2.5]);
    expect(out.fns).toEqual(['function', 'function', 'function', 'function']);
    expect(out.url).toMatch(/\/dist\/src\/runtime\/index\.js$/);
  });

  it('has type declarations: a typed use compiles, a wrong one does not', () => {
    // Virtual files inside the package, type-checked with NodeNext resolution as a user's project
    // would be, in one program (a program costs seconds).
    const goodFile = join(ROOT, 'test', 'runtime', '__entry_point_good__.ts');
    const badFile = join(ROOT, 'test', 'runtime', '__entry_point_bad__.ts');
    const diagnosticsOf = (texts: Map<string, string>): Map<string, string[]> => {
      const options: ts.CompilerOptions = {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      };
      const host = ts.createCompilerHost(options);
      const getSourceFile = host.getSourceFile.bind(host);
      host.getSourceFile = (name, version, ...rest) =>
        texts.has(name) ? ts.createSourceFile(name, texts.get(name)!, version) : getSourceFile(name, version, ...rest);
      const fileExists = host.fileExists.bind(host);
      host.fileExists = (name) => texts.has(name) || fileExists(name);
      const program = ts.createProgram([...texts.keys()], options, host);
      const all = ts.getPreEmitDiagnostics(program);
      return new Map(
        [...texts.keys()].map((f) => [
          f,
          all.filter((d) => d.file?.fileName === f).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
        ]),
      );
    };
    const good = `
      import { sgd, adam, cosineLr, saveParams, loadParams, type Optimizer, type ParamLayoutEntry } from 'cnnc/runtime';
      const params = new Float32Array(4);
      const opt: Optimizer = sgd(params, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
      opt.lr = cosineLr({ lr: 0.1, tMax: 10 })(3);
      const a = adam(params, { lr: 1e-3, betas: [0.9, 0.999] });
      const moments: Float32Array | Float64Array = a.expAvg;
      const layout: ParamLayoutEntry[] = [{ name: 'w', offset: 0, shape: [4] }];
      export const done: Promise<Float32Array> = saveParams('/tmp/x.safetensors', params, layout).then(() => loadParams('/tmp/x.safetensors', layout));
      void moments;
    `;
    const bad = `
      import { sgd } from 'cnnc/runtime';
      sgd(new Float32Array(4), { momentum: 0.9 });
      const n: string = sgd(4, { lr: 1 }).steps;
    `;
    const found = diagnosticsOf(new Map([[goodFile, good], [badFile, bad]]));
    expect(found.get(goodFile)).toEqual([]);
    const errors = found.get(badFile)!.join('\n');
    expect(errors).toMatch(/Property 'lr' is missing/);
    expect(errors).toMatch(/Type 'number' is not assignable to type 'string'/);
  });
});
