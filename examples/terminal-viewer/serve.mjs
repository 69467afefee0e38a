// Serves the terminal page: bundles terminal.js (the client and xterm.js it imports) and xterm's
// stylesheet for the browser with esbuild, then serves them from memory.
//
//   node examples/terminal-viewer/serve.mjs [port]      (default 5175; 0 picks a free one)
//
// The Computer Server must let this page's origin in:
//   npm start -- --allow-origin http://127.0.0.1:5175
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const require = createRequire(import.meta.url);
const port = Number(process.argv[2] ?? process.env.PORT ?? 5175);
const server = process.env.CUA_URL || 'http://127.0.0.1:8000';

// platform 'browser' makes esbuild pick the client's browser entry (fetch, no `ws`).
const bundle = await build({
  entryPoints: [here('./terminal.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const files = {
  '/': { type: 'text/html; charset=utf-8', body: await readFile(here('./index.html')) },
  '/terminal.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
  '/xterm.css': {
    type: 'text/css; charset=utf-8',
    body: await readFile(require.resolve('@xterm/xterm/css/xterm.css')),
  },
};

const http = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
  res.end(file.body);
});
// Loopback only: the page runs a shell on the server, so it is not for the network.
http.listen(port, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${http.address().port}`;
  const query = encodeURIComponent(server).replace(/%3A/g, ':').replace(/%2F/g, '/');
  console.log(`terminal: ${origin}/?server=${query}`);
  console.log(`start the server with: npm start -- --allow-origin ${origin}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    http.closeAllConnections();
    http.close(() => process.exit(0));
  });
}
