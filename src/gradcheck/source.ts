// From source text to a gradient check: compile in memory with float64 storage, load the module
// without touching the disk, check it.

import { compileSource, loadModule } from '../compile.js';
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import type { UnrollMode } from '../lower/types.js';
import type { GeneratedModule } from '../module-api.js';
import type { Network } from '../network.js';
import { gradcheckModule } from './check.js';
import type { GradcheckOptions, GradcheckReport } from './types.js';

export interface GradcheckSourceOptions extends Omit<GradcheckOptions, 'loss'> {
  /** the code generator's unrolling, to check the variant that will ship (default 'auto') */
  readonly unroll?: UnrollMode;
  /** a chance to alter the loaded module before it is checked (tests inject bugs with it) */
  readonly wrap?: (module: GeneratedModule) => GeneratedModule;
}

export interface GradcheckSourceResult {
  readonly diagnostics: readonly Diagnostic[];
  /** present when the model has no errors */
  readonly network?: Network;
  readonly report?: GradcheckReport;
}

export async function gradcheckSource(
  text: string,
  file: string,
  options: GradcheckSourceOptions = {},
): Promise<GradcheckSourceResult> {
  const compiled = await compileSource(text, file, { dtype: 'f64', unroll: options.unroll ?? 'auto' });
  if (hasErrors(compiled.diagnostics) || compiled.code === undefined || compiled.network === undefined) {
    return { diagnostics: compiled.diagnostics };
  }
  const loaded = await loadModule(compiled.code);
  const module = options.wrap ? options.wrap(loaded) : loaded;
  const { wrap: _wrap, unroll: _unroll, ...rest } = options;
  const report = gradcheckModule(module, {
    ...rest,
    ...(compiled.network.loss ? { loss: compiled.network.loss } : {}),
  });
  return { diagnostics: compiled.diagnostics, network: compiled.network, report };
}
