// The VS Code side of `bpjit lsp`: starts the server for .bp files (the command is the setting
// bpjit.path) and leaves everything else to it. Highlighting comes from the grammar in
// syntaxes/ and, once the server answers, from its semantic tokens.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('bpjit').get('path') || 'bpjit';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient('bpjit', 'BetterPython (bpjit)', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'betterpython' }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
