import WebSocket from 'ws';

/**
 * What upstream's Python client (`cua-computer`) sends, call for call, for the routes it reaches
 * outside `/ws` and `/cmd`: `computer.pty` (`computer/pty.py`, `PtyInterface`) and
 * `interface.playwright_exec`. aiohttp there; fetch and `ws` here, with the same methods, paths,
 * bodies, headers and query strings, and the same handling of the replies.
 */

export interface UpstreamCredentials {
  apiKey?: string;
  vmName?: string;
}

/** `PtyHandle`: what `create` and `connect` return. */
export interface UpstreamPtyHandle {
  pid: number;
  cols: number;
  rows: number;
  sendStdin(data: Buffer): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  kill(): Promise<boolean>;
  disconnect(): Promise<void>;
  wait(): Promise<number>;
}

interface TrackedSession {
  exited: Promise<number>;
  socket: WebSocket | undefined;
  /** Set while the WebSocket reader runs, as `stdin_queue` is there. */
  stdin: ((data: Buffer) => void) | undefined;
}

/** aiohttp's `raise_for_status`. */
class ClientResponseError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export class UpstreamPtyInterface {
  private readonly baseUrl: string;
  private readonly wsBase: string;
  private readonly sessions = new Map<number, TrackedSession>();

  constructor(
    baseUrl: string,
    private readonly credentials: UpstreamCredentials = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.wsBase = this.baseUrl.replace('https://', 'wss://').replace('http://', 'ws://');
  }

  /** `_auth_headers`: X-API-Key and X-Container-Name, each only when set. */
  private authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.credentials.apiKey) headers['X-API-Key'] = this.credentials.apiKey;
    if (this.credentials.vmName) headers['X-Container-Name'] = this.credentials.vmName;
    return headers;
  }

  /** aiohttp `json=`: the body as JSON with its content type. */
  private async post(path: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...this.authHeaders(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new ClientResponseError(response.status);
    return response;
  }

  async create(
    options: {
      command?: string;
      cols?: number;
      rows?: number;
      onData?: (data: Buffer) => void;
      cwd?: string;
      envs?: Record<string, string>;
    } = {},
  ): Promise<UpstreamPtyHandle> {
    const body: Record<string, unknown> = { cols: options.cols ?? 80, rows: options.rows ?? 24 };
    if (options.command !== undefined) body.command = options.command;
    if (options.cwd !== undefined) body.cwd = options.cwd;
    if (options.envs !== undefined) body.envs = options.envs;
    const data = (await (await this.post('/pty', body)).json()) as {
      pid: number;
      cols: number;
      rows: number;
    };
    this.track(data.pid, options.onData);
    return this.handle(data.pid, data.cols, data.rows);
  }

  async kill(pid: number): Promise<boolean> {
    const response = await fetch(`${this.baseUrl}/pty/${pid}`, {
      method: 'DELETE',
      headers: this.authHeaders(),
    });
    if (!response.ok) throw new ClientResponseError(response.status);
    const data = (await response.json()) as { killed?: unknown };
    return Boolean(data.killed);
  }

  async resize(pid: number, cols: number, rows: number): Promise<void> {
    await this.post(`/pty/${pid}/resize`, { cols, rows });
  }

  /** Through the WebSocket while its reader runs, else `POST /pty/{pid}/stdin`. */
  async sendStdin(pid: number, data: Buffer): Promise<void> {
    const session = this.sessions.get(pid);
    if (session?.stdin) {
      session.stdin(data);
      return;
    }
    await this.post(`/pty/${pid}/stdin`, { data: data.toString('base64') });
  }

  /** Re-attaches: `GET /pty/{pid}` for the size (80 × 24 if that fails), then a new socket. */
  async connect(pid: number, onData?: (data: Buffer) => void): Promise<UpstreamPtyHandle> {
    await this.disconnectSocket(pid);
    let cols = 80;
    let rows = 24;
    try {
      const response = await fetch(`${this.baseUrl}/pty/${pid}`, { headers: this.authHeaders() });
      if (response.status === 200) {
        const info = (await response.json()) as { cols?: number; rows?: number };
        cols = Number(info.cols ?? cols);
        rows = Number(info.rows ?? rows);
      }
    } catch {
      // Logged and ignored upstream.
    }
    this.track(pid, onData);
    return this.handle(pid, cols, rows);
  }

  private handle(pid: number, cols: number, rows: number): UpstreamPtyHandle {
    return {
      pid,
      cols,
      rows,
      sendStdin: (data) => this.sendStdin(pid, data),
      resize: (c, r) => this.resize(pid, c, r),
      kill: () => this.kill(pid),
      disconnect: () => this.disconnectSocket(pid),
      wait: () => {
        const session = this.sessions.get(pid);
        if (!session) throw new Error(`PTY session ${pid} is not tracked by this interface`);
        return session.exited;
      },
    };
  }

  /** Cancelling the reader task closes the socket; no `disconnect` frame is sent. */
  private async disconnectSocket(pid: number): Promise<void> {
    const socket = this.sessions.get(pid)?.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  /**
   * `_ws_reader`: `ws_connect(f"{ws_base}/pty/{pid}/ws", params={api_key, container_name})`;
   * `output` frames go to `on_data`, an `exit` frame sets the code and ends the reader; any
   * end of the reader (close, error, failed connect) sets the exit event.
   */
  private track(pid: number, onData: ((data: Buffer) => void) | undefined): void {
    const params = new URLSearchParams();
    if (this.credentials.apiKey) params.set('api_key', this.credentials.apiKey);
    if (this.credentials.vmName) params.set('container_name', this.credentials.vmName);
    const query = params.size > 0 ? `?${params.toString()}` : '';
    const socket = new WebSocket(`${this.wsBase}/pty/${pid}/ws${query}`);
    const session: TrackedSession = { socket, stdin: undefined, exited: Promise.resolve(0) };
    session.exited = new Promise<number>((resolve) => {
      let code = 0;
      socket.on('open', () => {
        session.stdin = (data) =>
          socket.send(JSON.stringify({ type: 'stdin', data: data.toString('base64') }));
      });
      socket.on('message', (raw, isBinary) => {
        if (isBinary) return;
        let message: { type?: string; data?: string; code?: number };
        try {
          message = JSON.parse(raw.toString()) as typeof message;
        } catch {
          return;
        }
        if (message.type === 'output') onData?.(Buffer.from(message.data ?? '', 'base64'));
        else if (message.type === 'exit') {
          code = Number(message.code ?? 0);
          socket.close();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        session.stdin = undefined;
        resolve(code);
      });
    });
    this.sessions.set(pid, session);
  }
}

/**
 * `GenericComputerInterface.playwright_exec(command, params)`: `POST {base}/playwright_exec`
 * with `X-API-Key`, `X-Container-Name` (when set), `X-Cua-Client-Version` and a JSON body; the
 * JSON when the status is 200, else `{"success": false, "error": <the body's text>}`.
 */
export async function upstreamPlaywrightExec(
  baseUrl: string,
  command: string,
  params: Record<string, unknown> = {},
  credentials: UpstreamCredentials = {},
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Cua-Client-Version': 'computer:0.4.0',
  };
  if (credentials.apiKey) headers['X-API-Key'] = credentials.apiKey;
  if (credentials.vmName) headers['X-Container-Name'] = credentials.vmName;
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/playwright_exec`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ command, params }),
  });
  if (response.status === 200) return (await response.json()) as Record<string, unknown>;
  return { success: false, error: await response.text() };
}
