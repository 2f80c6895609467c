// The grammar's railroad diagram as one self-contained HTML page (grammar/diagram.html): chevrotain's
// page with its scripts and stylesheet inlined, so it opens offline. Node only (reads chevrotain's
// diagram assets from node_modules); run by scripts/diagram.mjs, not imported by the compiler.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from './chevrotain.js';
import { serializedGrammar } from './parser.js';

/** chevrotain's `diagrams/` folder, found from this file upwards (works from grammar/ and dist/grammar/). */
export function chevrotainDiagramsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', 'chevrotain', 'diagrams');
    if (existsSync(join(candidate, 'src', 'main.js'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('chevrotain/diagrams not found in any node_modules above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

const MARK = 'cnnc-inline:';

function inlineScript(code: string): string {
  return `<script>\n${code.replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

export function diagramHtml(assets: string = chevrotainDiagramsDir()): string {
  const page = createSyntaxDiagramsCode(serializedGrammar(), { resourceBase: MARK, css: `${MARK}diagrams.css` });
  const html = page
    .replace(/<link rel='stylesheet' href='cnnc-inline:([^']+)'>/g, (_, file: string) =>
      `<style>\n${readFileSync(join(assets, file), 'utf8')}\n</style>`)
    .replace(/<script src='cnnc-inline:([^']+)'><\/script>/g, (_, file: string) =>
      inlineScript(readFileSync(join(assets, file), 'utf8')))
    .replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<title>cnnc: the .cnn grammar</title>');
  if (html.includes(MARK)) throw new Error('diagram: an asset reference was not inlined');
  return html;
}
