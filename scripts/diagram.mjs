// Writes grammar/diagram.html, the railroad diagram of the .cnn grammar (self-contained, offline).
// Needs the compiled grammar: `npm run build && node scripts/diagram.mjs` (npm run diagram).
import { writeFileSync } from 'node:fs';
import { diagramHtml } from '../dist/grammar/diagram.js';

const out = new URL('../grammar/diagram.html', import.meta.url);
writeFileSync(out, diagramHtml());
console.log(`wrote ${out.pathname}`);
