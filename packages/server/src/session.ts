import { setMaxListeners } from 'node:events';
import { AUTH_MESSAGES, type RequestId } from '@cua/computer-protocol';
import { failure, withId, type Dispatcher, type ReplyBody } from './dispatcher.js';
import type { SessionState } from './handlers/types.js';
import { parseJson, parseRequest } from './request.js';

export interface SessionOptions {
  dispatcher: Dispatcher;
  /** Sends one reply frame; the session decides when. */
  send: (body: ReplyBody) => void;
}

/**
 * One client connection's ordering rules. Frames without an `id` are handled strictly one at a
 * time and answered in order, as upstream does (its clients take the n-th frame as the n-th
 * reply). Frames with an `id` start at once and are answered when done, echoing the id.
 */
export class Session {
  readonly state: SessionState = {};
  private serial: Promise<void> = Promise.resolve();
  private readonly controller = new AbortController();
  private readonly pending = new Set<Promise<void>>();

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
    const work = () => this.execute(request.command, request.params);
    if (request.id !== undefined) return this.answerNow(request.id, work);
    return this.answerInOrder(work);
  }

  handleBinary(): void {
    this.answerInOrder(async () =>
      failure('invalid_request', 'Binary frames are not supported: send each request as a JSON text frame'),
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

  private execute(command: string, params: Record<string, unknown> | undefined): Promise<ReplyBody> {
    // Auth is off (or already done) by the time a frame reaches here; upstream clients that
    // send `authenticate` anyway are told it worked, so they go on (reference §2.3).
    if (command === 'authenticate') {
      return Promise.resolve({ success: true, message: AUTH_MESSAGES.success });
    }
    return this.options.dispatcher.dispatch(
      { command, params },
      { signal: this.controller.signal, session: this.state },
    );
  }

  private answerInOrder(work: () => Promise<ReplyBody>): void {
    const done = this.serial.then(async () => this.reply(await work()));
    this.serial = done;
    this.track(done);
  }

  private answerNow(id: RequestId, work: () => Promise<ReplyBody>): void {
    this.track(work().then((reply) => this.reply(withId(reply, id))));
  }

  /** A reply that cannot be sent (socket gone) must not stop the replies queued behind it. */
  private reply(body: ReplyBody): void {
    try {
      this.options.send(body);
    } catch {
      this.close();
    }
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}
