// The real binary, as users run it: `node bin/cnnc.js ...` (dist/ is built by `npm run build`, which
// the test run's global setup does). Also the properties every run of it must have.

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './corpus.js';

export const BIN = join(root, 'bin', 'cnnc.js');

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  /** options for node itself, e.g. `--max-old-space-size=256` */
  readonly node?: readonly string[];
  readonly cwd?: string;
  readonly timeout?: number;
  readonly input?: string;
}

export function cnnc(args: readonly string[], options: RunOptions = {}): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...(options.node ?? []), BIN, ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CNNC_DEBUG: undefined },
    timeout: options.timeout ?? 60_000,
    maxBuffer: 1 << 28,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    ms: performance.now() - t0,
  };
}

/** The same, without blocking the test process (several can run at once). */
export function cnncAsync(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.node ?? []), BIN, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CNNC_DEBUG: undefined },
      timeout: options.timeout ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => void (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => void (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/**
 * What every run must satisfy: exit 0, 1 or 2 (never a signal, an out-of-memory abort or 70, the
 * internal-error code), no stack trace, and every stderr line that is not a rendered diagnostic a
 * single `cnnc: ...` line.
 */
export function runProblems(r: Run, what: string): string[] {
  const out: string[] = [];
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) {
    out.push(`${what}: exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}, stderr: ${r.stderr.slice(0, 2000)}`);
  }
  const all = `${r.stdout}\n${r.stderr}`;
  if (/internal error|\n\s+at .+[(:]\d+|FATAL ERROR|JavaScript heap/.test(all)) {
    out.push(`${what}: a crash or stack trace in the output: ${all.slice(0, 2000)}`);
  }
  return out;
}
