import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { DBusError, Message, sessionBus, type MessageBus } from '@jellybrick/dbus-next';

/** How long to wait for a bus to accept us: a local socket answers in milliseconds. */
const CONNECT_TIMEOUT_MS = 3000;

export interface DBusCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

/** The D-Bus library's connection internals we rely on (stream for corking, end of stream). */
interface ConnectionInternals {
  _connection?: { stream?: Duplex; on(event: 'end', listener: () => void): void };
}

/** A local app answers in milliseconds; one that takes seconds is hung or stopped. */
const CALL_TIMEOUT_MS = 3000;

interface BusInternals {
  _methodReturnHandlers?: Record<number, unknown>;
}

export class DBusTimeoutError extends Error {
  constructor(call: DBusCall, timeoutMs: number) {
    super(`${call.destination} did not answer ${call.member} within ${timeoutMs} ms`);
    this.name = 'DBusTimeoutError';
  }
}

/** The bus emits `error` too, which its typings leave out. */
const events = (bus: MessageBus) => bus as unknown as EventEmitter;

/** A D-Bus error reply, by name: `UnknownObject`, `UnknownMethod`, `ServiceUnknown`, … */
export function dbusErrorName(err: unknown): string | undefined {
  return err instanceof DBusError ? err.type : undefined;
}

/**
 * One connection to a message bus, made for many small calls in flight at once: calls issued in
 * the same tick go out in one socket write (corked), which is what makes a tree walk of a few
 * thousand calls fast.
 */
export class DBusConnection {
  private ended = false;
  private corked = false;

  private constructor(
    private readonly bus: MessageBus,
    readonly address: string,
  ) {
    const internals = (bus as unknown as ConnectionInternals)._connection;
    internals?.on('end', () => (this.ended = true));
    // After connecting, a failed socket is reported here; without a listener it would throw.
    events(bus).on('error', () => (this.ended = true));
  }

  static async open(address: string): Promise<DBusConnection> {
    const bus = sessionBus({ busAddress: address });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no answer from the D-Bus at ${address} within ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
      const onError = (err: unknown) => {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        events(bus).off('error', onError);
        events(bus).off('connect', onConnect);
      };
      events(bus).on('error', onError);
      events(bus).on('connect', onConnect);
    }).catch((err: unknown) => {
      events(bus).on('error', () => undefined);
      bus.disconnect();
      throw err;
    });
    return new DBusConnection(bus, address);
  }

  get alive(): boolean {
    return !this.ended;
  }

  /**
   * Sends a method call; resolves with the reply's body, rejects with a `DBusError`, or with a
   * `DBusTimeoutError` when the peer does not answer in time (a hung app must not hang us).
   */
  async call(call: DBusCall, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown[]> {
    if (this.ended) throw new Error(`the D-Bus connection to ${this.address} has closed`);
    this.cork();
    const message = new Message({
      destination: call.destination,
      path: call.path,
      interface: call.interface,
      member: call.member,
      signature: call.signature ?? '',
      body: call.body ?? [],
    });
    const reply = this.bus.call(message);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The library would keep waiting for this serial for ever.
        const pending = (this.bus as unknown as BusInternals)._methodReturnHandlers;
        if (pending && message.serial !== null) delete pending[message.serial];
        reject(new DBusTimeoutError(call, timeoutMs));
      }, timeoutMs);
    });
    try {
      return (await Promise.race([reply, timeout]))?.body ?? [];
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ended = true;
    this.bus.disconnect();
  }

  private cork(): void {
    if (this.corked) return;
    const stream = (this.bus as unknown as ConnectionInternals)._connection?.stream;
    if (!stream) return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
