import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the example's SDK sent to the stand-in. */
export interface ModelRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/**
 * Answers the n-th request (0-based). Returns the JSON reply; throwing fails the request with
 * a 400 and records the message in `problems`, so a test sees what the example sent wrong.
 */
export type Turn = (request: ModelRequest, index: number) => unknown;

export interface ModelStandIn {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: ModelRequest[];
  /** What a turn rejected, in order (empty when the example sent what was expected). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * A local HTTP stand-in for a model provider's API, on 127.0.0.1 and a free port: each POST is
 * answered by the next recorded turn (built from the provider's documented response shapes).
 * Only the model is replaced: the real SDK, adapter, server and desktop run.
 */
export async function startModelStandIn(turns: Turn[]): Promise<ModelStandIn> {
  const requests: ModelRequest[] = [];
  const problems: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let status = 200;
      let reply: unknown;
      try {
        const request: ModelRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        };
        const index = requests.length;
        requests.push(request);
        const turn = turns[index];
        if (!turn) throw new Error(`request ${index + 1} was not expected (${request.path})`);
        reply = turn(request, index);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        problems.push(message);
        status = 400;
        reply = { error: { type: 'invalid_request_error', message } };
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Width and height of a base64 PNG (the screenshots the examples send back). */
export function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64.slice(0, 32), 'base64');
  if (bytes.readUInt32BE(0) !== 0x89504e47) throw new Error('the image is not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The screenshot pixel that shows screen pixel (x, y) when a `screen` is shown as an `image`:
 * what a model looking at the screenshot would point at (pixel centres aligned).
 */
export function seenAt(
  point: { x: number; y: number },
  screen: { width: number; height: number },
  image: { width: number; height: number },
): [number, number] {
  return [
    Math.floor(((point.x + 0.5) * image.width) / screen.width),
    Math.floor(((point.y + 0.5) * image.height) / screen.height),
  ];
}

/** Throws (failing the turn) unless the condition holds. */
export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}
