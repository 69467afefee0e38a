import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PtySession } from './pty-session.js';

/** A comment line now and then, so proxies and idle-connection reapers keep the stream open. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /pty/{pid}/stream`: upstream's server-sent events, `{"type":"output","data":<base64>}`
 * for each chunk, then `{"type":"exit","code":N}` and the end of the stream. Beyond upstream the
 * stream starts with the session's scrollback (unless `replay` is false), and a reader that lets
 * more than `maxBufferedBytes` pile up is cut off (it may attach again and get the scrollback).
 */
export function streamSession(
  session: PtySession,
  req: IncomingMessage,
  res: ServerResponse,
  options: { replay: boolean; maxBufferedBytes: number },
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  return new Promise<void>((resolve) => {
    let detach: () => void = () => undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(keepalive);
      detach();
      resolve();
    };
    const send = (event: object) => {
      if (done) return;
      res.write(`data: ${JSON.stringify(event)}\n\n`);
      if (res.writableLength > options.maxBufferedBytes) {
        res.destroy();
        finish();
      }
    };
    const keepalive = setInterval(() => {
      if (!done) res.write(': keep-alive\n\n');
    }, KEEPALIVE_MS);
    keepalive.unref();
    req.socket.setTimeout(0);
    res.on('close', finish);
    detach = session.attach(
      {
        output: (data) => send({ type: 'output', data: data.toString('base64') }),
        exit: (code) => {
          send({ type: 'exit', code });
          if (!done) res.end();
          finish();
        },
      },
      options.replay,
    );
  });
}
