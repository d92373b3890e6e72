// How the language server tests start the server: `bpjit lsp`, as an editor does.
import { BPJIT } from './paths.js';

export const LSP_COMMAND = [process.execPath, BPJIT, 'lsp'];
