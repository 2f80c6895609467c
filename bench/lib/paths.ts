// Where things are: the package root, found from this file's place in bench/lib/.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH = resolve(ROOT, 'bench');
