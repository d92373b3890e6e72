// The language server on stdin/stdout, started directly from the compiled module (the tests
// drive it as an editor would).
import { startServer } from '../../src/lsp/server.js';

void startServer();
