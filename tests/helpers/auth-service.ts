import { createServer, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from './loopback.js';

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
  const { origin } = await listenOnLoopback(server);
  return {
    baseUrl: origin,
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
