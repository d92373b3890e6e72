// `bpjit lsp`: starts the language server on stdin/stdout (src/lsp/server.ts). The CLI imports
// this module only for this command, so other commands never load the server or its library.
import { startServer } from '../lsp/server.js';

export function cmdLsp(): Promise<never> {
  return startServer();
}
