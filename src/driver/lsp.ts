// `bpjit lsp`: starts the language server on stdin/stdout (src/lsp/server.ts). The command table
// loads this module only for this command, so other commands never load the server; the server
// requires its library at run time, so the CLI bundle never contains it.
import { startServer } from '../lsp/server.js';

export default function lsp(): Promise<never> {
  return startServer();
}
