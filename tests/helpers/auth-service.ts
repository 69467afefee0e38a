import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthCall {
  url: string;
  authorization: string | undefined;
}

/**
 * A real HTTP service on a loopback port standing in for the cloud's key verification endpoint;
 * each test decides what it answers.
 */
export async function startAuthService() {
  const calls: AuthCall[] = [];
  let answer: (req: IncomingMessage) => { status: number; body: string } = () => ({
    status: 200,
    body: 'ok',
  });
  const server = createServer((req, res) => {
    calls.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const { status, body } = answer(req);
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    /** Accept exactly this key (any name reaching the service). */
    acceptKey(key: string) {
      answer = (req) =>
        req.headers.authorization === `Bearer ${key}`
          ? { status: 200, body: '{"ok":true}' }
          : { status: 401, body: 'no' };
    },
    answerWith(status: number, body: string) {
      answer = () => ({ status, body });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
