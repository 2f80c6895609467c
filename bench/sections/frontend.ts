// Section A: front-end speed. checkSource in process (first call in a fresh process, and the warm
// median) and the whole `cnnc check FILE` command, on generated models of 200 and 2,000 lines.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontendData } from '../children/frontend.js';
import { runChild } from '../lib/child.js';
import { generateModel } from '../lib/models.js';
import { timeCommand, type CommandTiming } from '../lib/spawn.js';

export interface FrontendResult {
  readonly lines: number;
  readonly file: string;
  readonly inProcess?: FrontendData;
  readonly inProcessError?: string;
  readonly command: CommandTiming;
}

export interface FrontendSection {
  readonly models: FrontendResult[];
  /** `node -e 0`: the floor under every whole-command time */
  readonly nodeStartup: CommandTiming;
}

export const CHECK_TARGETS = { inProcess200Ms: 20, command2000Ms: 300 } as const;

export async function runFrontend(tmp: string, speed: 'quick' | 'full', log: (s: string) => void): Promise<FrontendSection> {
  mkdirSync(tmp, { recursive: true });
  const runs = speed === 'quick' ? 3 : 10;
  const models: FrontendResult[] = [];
  for (const lines of [200, 2000]) {
    const file = join(tmp, `generated-${lines}.cnn`);
    writeFileSync(file, generateModel(lines));
    log(`A: checkSource in process, ${lines} lines`);
    const child = await runChild('frontend.ts', [file, speed], 120_000, `check ${lines}`);
    const data = child.messages.find((m) => m.type === 'data');
    const fail = child.messages.find((m) => m.type === 'fail');
    log(`A: cnnc check, ${lines} lines, ${runs} runs`);
    const command = timeCommand(['bin/cnnc.js', 'check', file], runs);
    models.push({
      lines,
      file,
      ...(data !== undefined ? { inProcess: data.data as FrontendData } : { inProcessError: fail?.error ?? child.crash ?? 'no result' }),
      command,
    });
  }
  const nodeStartup = timeCommand(['-e', '0'], runs);
  return { models, nodeStartup };
}
