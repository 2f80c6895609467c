// Whole-command timings: `node bin/cnnc.js ...` as a user runs it, start of process to exit.

import { spawnSync } from 'node:child_process';
import { median, nowMs } from './measure.js';
import { ROOT } from './paths.js';

export interface CommandTiming {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runs: number;
  /** set when a run failed: its exit code and first line of stderr */
  readonly error?: string;
}

/** Runs `node ARGS` `runs` times after `warmup` untimed runs (file cache), one at a time. */
export function timeCommand(args: readonly string[], runs: number, warmup = 1): CommandTiming {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t = nowMs();
    const r = spawnSync(process.execPath, [...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = nowMs() - t;
    if (r.error !== undefined || r.status !== 0) {
      const why = r.error?.message ?? `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`;
      return { medianMs: NaN, minMs: NaN, runs: times.length, error: why.slice(0, 200) };
    }
    if (i >= warmup) times.push(ms);
  }
  return { medianMs: median(times), minMs: Math.min(...times), runs: times.length };
}
