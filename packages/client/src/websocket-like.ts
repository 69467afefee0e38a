/** The part of the WHATWG WebSocket API the client uses; browsers and `ws` both provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  /** Set to `arraybuffer` so binary frames arrive as bytes in browsers and `ws` alike. */
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export const WS_CLOSED = 3;
