import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf } from '@cua/computer-protocol';
import type * as StreamableHttp from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Dispatcher } from '../core/dispatcher.js';
import { methodNotAllowed, readBody, type HttpRoute } from './http.js';
import type * as McpTools from './mcp-tools.js';

// The MCP SDK loads on the first /mcp request: a server nobody asks for MCP never maps it
// (about 25 MB of RSS).
let sdkLoad: Promise<[typeof StreamableHttp, typeof McpTools]> | undefined;
const loadSdk = () =>
  (sdkLoad ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('./mcp-tools.js'),
  ]));

export interface McpHttpOptions {
  dispatcher: Dispatcher;
  maxBodyBytes: number;
}

/**
 * `/mcp` (and `/mcp/`, as upstream serves both): streamable-HTTP MCP on the server's port, in the
 * SDK's stateless mode (each request is answered on its own; no session to keep or leak). Unlike
 * upstream's it is authenticated exactly as `/cmd` is, and sits behind the same Host and Origin
 * checks. As upstream, `Accept` is taken to be `application/json, text/event-stream`, so a plain
 * JSON client is not refused for a header.
 */
export class McpHttp implements HttpRoute {
  private readonly open = new Set<() => Promise<void>>();

  constructor(private readonly options: McpHttpOptions) {}

  matches(path: string): boolean {
    return path === '/mcp' || path.startsWith('/mcp/');
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { path: string; authenticate: () => Promise<void> },
  ): Promise<void> {
    await ctx.authenticate();
    req.headers.accept = 'application/json, text/event-stream';
    let body: unknown;
    if (req.method === 'POST') {
      const text = await readBody(req, this.options.maxBodyBytes);
      try {
        body = JSON.parse(text);
      } catch {
        res.writeHead(httpStatusOf('invalid_json'), { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32700, message: 'Parse error: the body is not JSON' },
            id: null,
          }),
        );
        return;
      }
    } else if (req.method !== 'GET' && req.method !== 'DELETE') {
      throw methodNotAllowed(['GET', 'POST', 'DELETE']);
    }
    const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await loadSdk();
    const server = createMcpServer(this.options.dispatcher);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    const closeAll = async () => {
      this.open.delete(closeAll);
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    };
    this.open.add(closeAll);
    res.on('close', () => void closeAll());
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Shutdown: requests still open are cancelled (their commands are aborted). */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((close) => close()));
  }
}
