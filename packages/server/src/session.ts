import { setMaxListeners } from 'node:events';
import { AUTH_MESSAGES, type OutputEvent, type RequestId } from '@cua/computer-protocol';
import { failure, withId, type Dispatcher, type ReplyBody } from './dispatcher.js';
import type { HandlerEvent, SessionState } from './handlers/types.js';
import { parseJson, parseRequest } from './request.js';

export interface SessionOptions {
  dispatcher: Dispatcher;
  /** Sends one frame: a reply, or an interim event of a request with an id. */
  send: (frame: ReplyBody | OutputEvent) => void;
  /**
   * Requests with ids run at most this many at a time; the rest wait, and `onBackpressure(true)`
   * asks the transport to stop reading until they start. Bounds memory when a client pipelines
   * a burst of requests with large replies.
   */
  maxConcurrent?: number;
  onBackpressure?: (waiting: boolean) => void;
}

export const DEFAULT_MAX_CONCURRENT_PER_CONNECTION = 32;

/**
 * One client connection's ordering rules. Frames without an `id` are handled strictly one at a
 * time and answered in order, as upstream does (its clients take the n-th frame as the n-th
 * reply). Frames with an `id` start at once and are answered when done, echoing the id; their
 * handlers may send interim events (tagged with the same id) before that reply.
 */
export class Session {
  readonly state: SessionState = {};
  private serial: Promise<void> = Promise.resolve();
  private readonly controller = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private running = 0;
  private congested = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: SessionOptions) {
    // Every request in flight listens to the connection's signal; thousands may be pipelined.
    setMaxListeners(0, this.controller.signal);
  }

  handleText(text: string): void {
    const json = parseJson(text);
    if (!json.ok) return this.answerInOrder(async () => failure('invalid_json', json.error));
    const request = parseRequest(json.value);
    if (!request.ok) {
      const reply = failure(request.code, request.error);
      if (request.id !== undefined) return this.answerNow(request.id, async () => reply);
      return this.answerInOrder(async () => reply);
    }
    const { id } = request;
    if (id === undefined) {
      return this.answerInOrder(() => this.execute(request.command, request.params));
    }
    // Only a client that tags its requests can tell an interim event from a reply.
    const emit = (event: HandlerEvent) => this.send({ id, ...event });
    return this.answerNow(id, () => this.execute(request.command, request.params, emit));
  }

  handleBinary(): void {
    this.answerInOrder(async () =>
      failure(
        'invalid_request',
        'Binary frames are not supported: send each request as a JSON text frame',
      ),
    );
  }

  /** Aborts in-flight handlers (their connection is gone). */
  close(): void {
    this.controller.abort(new Error('connection closed'));
  }

  /** Resolves once every request received so far has been answered. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private execute(
    command: string,
    params: Record<string, unknown> | undefined,
    emit?: (event: HandlerEvent) => void,
  ): Promise<ReplyBody> {
    // Auth is off (or already done) by the time a frame reaches here; upstream clients that
    // send `authenticate` anyway are told it worked, so they go on (reference §2.3).
    if (command === 'authenticate') {
      return Promise.resolve({ success: true, message: AUTH_MESSAGES.success });
    }
    return this.options.dispatcher.dispatch(
      { command, params },
      { signal: this.controller.signal, session: this.state, emit },
    );
  }

  private answerInOrder(work: () => Promise<ReplyBody>): void {
    const done = this.serial.then(() => this.run(async () => this.send(await work())));
    this.serial = done;
    this.track(done);
  }

  private answerNow(id: RequestId, work: () => Promise<ReplyBody>): void {
    this.track(this.run(async () => this.send(withId(await work(), id))));
  }

  /**
   * The transport says whether the client is behind on reading its replies. While it is, no new
   * request starts, so a client that never reads cannot make the server buffer without bound.
   */
  setCongested(congested: boolean): void {
    this.congested = congested;
    if (!congested) this.wake();
  }

  private async run(task: () => Promise<void>): Promise<void> {
    const max = this.options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_PER_CONNECTION;
    while (this.congested || this.running >= max) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        if (this.waiting.length === 1) this.options.onBackpressure?.(true);
      });
    }
    this.running += 1;
    try {
      await task();
    } finally {
      this.running -= 1;
      this.wake();
    }
  }

  /** Lets every waiting request look again; those that still cannot start wait anew. */
  private wake(): void {
    const woken = this.waiting.splice(0);
    if (woken.length > 0) this.options.onBackpressure?.(false);
    for (const resolve of woken) resolve();
  }

  /** A frame that cannot be sent (socket gone) must not stop the replies queued behind it. */
  private send(frame: ReplyBody | OutputEvent): void {
    try {
      this.options.send(frame);
    } catch {
      this.close();
    }
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}
