// Runs one bench/children/*.ts script in a fresh Node process (through tsx), one at a time, and
// collects its messages. A fresh process per peer and network keeps one library's heap, JIT state
// and garbage out of another's timings. The child's own output (library banners, warnings) goes to
// our stderr, so stdout carries only the tables.

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { BENCH } from './paths.js';
import type { ChildMessage } from './protocol.js';

const TSX = import.meta.resolve('tsx');

export interface ChildResult {
  readonly messages: ChildMessage[];
  /** set when the process failed without saying why over IPC */
  readonly crash?: string;
}

export function runChild(script: string, args: readonly string[], timeoutMs: number, label: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const messages: ChildMessage[] = [];
    let stderrTail = '';
    const child = fork(join(BENCH, 'children', script), [...args], {
      execArgv: ['--import', TSX, '--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const relay = (chunk: Buffer): void => {
      const text = chunk.toString();
      stderrTail = (stderrTail + text).slice(-400);
      for (const line of text.split('\n')) if (line.trim() !== '') process.stderr.write(`  [${label}] ${line}\n`);
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    child.on('message', (m) => messages.push(m as ChildMessage));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // A child whose library keeps handles open is ended once it has said everything.
    child.on('disconnect', () => {
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 3000).unref();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let crash: string | undefined;
      if (timedOut) crash = `timed out after ${Math.round(timeoutMs / 1000)} s`;
      else if (code !== 0 && signal !== 'SIGKILL') {
        crash = `exited with ${code ?? signal}: ${stderrTail.trim().split('\n').pop() ?? ''}`;
      }
      resolve(crash === undefined ? { messages } : { messages, crash });
    });
  });
}
