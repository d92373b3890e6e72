// How the language server tests start the server: as `bpjit lsp` would, on stdin/stdout.
import path from 'node:path';
import { ROOT } from './paths.js';

export const LSP_COMMAND = [process.execPath, path.join(ROOT, 'dist/tests/helpers/lsp-server.js')];
