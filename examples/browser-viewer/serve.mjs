// Serves the viewer page: bundles viewer.js (and the client it imports) for the browser with
// esbuild, then serves index.html and the bundle from memory.
//
//   node examples/browser-viewer/serve.mjs [port]      (default 5174; 0 picks a free one)
//
// The Computer Server must let this page's origin in:
//   npm start -- --allow-origin http://127.0.0.1:5174
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const port = Number(process.argv[2] ?? process.env.PORT ?? 5174);
const server = process.env.CUA_URL || 'ws://127.0.0.1:8000/ws';

// platform 'browser' makes esbuild pick the client's browser entry (native WebSocket, no `ws`).
const bundle = await build({
  entryPoints: [here('./viewer.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const files = {
  '/': { type: 'text/html; charset=utf-8', body: await readFile(here('./index.html')) },
  '/viewer.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
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
// Loopback only: the page can drive the desktop, so it is not for the network.
http.listen(port, '127.0.0.1', () => {
  const origin = `http://127.0.0.1:${http.address().port}`;
  // Readable, yet safe: only ':' and '/' are left unescaped.
  const query = encodeURIComponent(server).replace(/%3A/g, ':').replace(/%2F/g, '/');
  console.log(`viewer: ${origin}/?server=${query}`);
  console.log(`start the server with: npm start -- --allow-origin ${origin}`);
});
// Ctrl-C and `kill` stop it at once, open keep-alive connections included.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    http.closeAllConnections();
    http.close(() => process.exit(0));
  });
}
