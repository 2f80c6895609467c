// `cnnc` from the sources, for tests that spawn the real command without a build:
// `node --import tsx test/lsp/cnnc-entry.ts lsp --stdio` runs what `node bin/cnnc.js lsp --stdio`
// runs from dist/ (the same main() and command table).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
