import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type UpstreamReply = Record<string, unknown>;
type UpstreamHandler = (params: Record<string, unknown>) => UpstreamReply;

export interface UpstreamServer {
  readonly url: string;
  /** Every frame received, in order. */
  readonly frames: Record<string, unknown>[];
  /** The most requests any connection had received and not yet answered. */
  readonly maxOutstanding: number;
  close(): Promise<void>;
}

const noSuchFile = (params: Record<string, unknown>) => ({
  success: false,
  error: `[Errno 2] No such file or directory: '${String(params.path)}'`,
});

/**
 * Upstream's file commands, in its reply shapes, over an in-memory file system. Only for what
 * the recordings of the real upstream server (tests/fixtures/upstream-recordings, replayed by
 * upstream-replay.ts) lack: files large enough to be moved in chunks, and the exact frames our
 * client's readText/writeText send. The rest of upstream is tested against its real replies.
 */
function handlers(files: Map<string, Uint8Array>): Record<string, UpstreamHandler> {
  const file = (params: Record<string, unknown>) => files.get(String(params.path));
  return {
    version: () => ({ success: true, protocol: 1, package: '0.3.42' }),
    get_file_size: (params) => {
      const bytes = file(params);
      return bytes ? { success: true, size: bytes.length } : noSuchFile(params);
    },
    read_bytes: (params) => {
      const bytes = file(params);
      if (!bytes) return noSuchFile(params);
      const offset = Math.max(0, Number(params.offset ?? 0));
      const length =
        typeof params.length === 'number' && params.length >= 0 ? params.length : undefined;
      const slice = bytes.subarray(offset, length === undefined ? undefined : offset + length);
      return { success: true, content_b64: Buffer.from(slice).toString('base64') };
    },
    write_bytes: (params) => {
      const data = new Uint8Array(Buffer.from(String(params.content_b64), 'base64'));
      const path = String(params.path);
      const before =
        params.append === true ? (files.get(path) ?? new Uint8Array()) : new Uint8Array();
      files.set(path, new Uint8Array(Buffer.concat([before, data])));
      return { success: true };
    },
  };
}

/**
 * A hand-written stand-in for an upstream (Python) Computer Server on `/ws`: no request ids, one
 * frame at a time per connection (read, answer, read the next), `version` without `features`,
 * and `Unknown command: X` for anything else.
 */
export async function startUpstreamServer(): Promise<UpstreamServer> {
  const table = handlers(new Map());
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await once(wss, 'listening');
  const frames: Record<string, unknown>[] = [];
  let maxOutstanding = 0;

  wss.on('connection', (ws) => {
    const queue: string[] = [];
    let busy = false;

    const next = () => {
      if (busy) return;
      const text = queue.shift();
      if (text === undefined) return;
      busy = true;
      const frame = JSON.parse(text) as { command?: unknown; params?: Record<string, unknown> };
      frames.push(frame);
      const handler = table[String(frame.command)];
      const reply = handler
        ? handler(frame.params ?? {})
        : { success: false, error: `Unknown command: ${String(frame.command)}` };
      // Answered on a later turn, so that frames sent meanwhile queue up as upstream's would.
      setImmediate(() => {
        busy = false;
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify(reply));
        next();
      });
    };

    ws.on('message', (data) => {
      queue.push(data.toString());
      // Received but not yet answered, counting the one being worked on.
      maxOutstanding = Math.max(maxOutstanding, queue.length + (busy ? 1 : 0));
      next();
    });
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    frames,
    get maxOutstanding() {
      return maxOutstanding;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
