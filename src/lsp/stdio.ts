// Entry point of the bundled server (editors/vscode/dist/server.js): the language server on
// stdin/stdout, without the rest of the CLI.
import { startStdioServer } from './server.js';

startStdioServer();
