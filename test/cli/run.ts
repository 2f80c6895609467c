// Spawns the real CLI the way users run it: `node bin/cnnc.js ...` from the package root.
// dist/ is built by test/global-setup.ts.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cnnc(args: string[], env: Record<string, string | undefined> = {}): Run {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'cnnc.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
