import { setMaxListeners } from 'node:events';
import {
  AUTH_MESSAGES,
  encodeBinaryReply,
  isAuthenticateRequest,
  parseRequestFrame,
  type BinaryField,
  type OutputEvent,
  type RequestId,
} from '@cua/computer-protocol';
import {
  failure,
  withId,
  type DispatchContext,
  type Dispatcher,
  type ReplyBody,
} from './dispatcher.js';
import type { HandlerEvent, SessionState } from '../handlers/types.js';
import { LIMITS } from './limits.js';
import { MemoryBudget } from './memory-budget.js';
import { encodeReply, refuseTooLarge } from './reply-encoding.js';

export interface SessionOptions {
  dispatcher: Dispatcher;
  /**
   * Writes one encoded frame (text, or a binary reply for a client that asked for one); calls
   * `sent` once its bytes have left the process.
   */
  send: (frame: string | Uint8Array, sent: () => void) => void;
  /** Asks the transport to stop (true) or resume (false) reading frames from the client. */
  setPaused: (paused: boolean) => void;
  /** The server's budget; this connection's counts into it. */
  serverBudget: MemoryBudget;
  connectionBudgetBytes?: number;
  maxReplyBytes?: number;
  /** Requests with ids running at once; the rest wait their turn. */
  maxConcurrent?: number;
  /** Received and not yet answered; reading pauses at this many. */
  maxQueued?: number;
}

type Reserve = (bytes: number, signal: AbortSignal) => Promise<void>;
/** Raw bytes a handler sent beside its reply (`binary-images`), in the order attached. */
type Attachments = Array<[BinaryField, Uint8Array]>;

export const DEFAULT_MAX_CONCURRENT_PER_CONNECTION = LIMITS.maxConcurrentPerConnection;

/**
 * One client connection's ordering rules and memory budget. Frames without an `id` are handled
 * strictly one at a time and answered in order, as upstream does (its clients take the n-th
 * frame as the n-th reply). Frames with an `id` start at once (up to `maxConcurrent`) and are
 * answered when done, echoing the id; their handlers may send interim events first.
 *
 * Every request costs budget from receipt until its reply is sent, and every reply from then
 * until the transport has written it. Reading from the client stops while the connection's
 * budget is spent, while too many requests are queued, or while the server's budget is spent
 * and this connection holds more than a small floor: memory stays bounded whatever the client
 * sends, and how slowly it reads.
 */
export class Session {
  readonly state: SessionState = {};
  readonly budget: MemoryBudget;
  private serial: Promise<void> = Promise.resolve();
  private readonly controller = new AbortController();
  private readonly pending = new Set<Promise<void>>();
  private running = 0;
  private queued = 0;
  private unsentBytes = 0;
  private sentBytes = 0;
  private paused = false;
  private closed = false;
  private readonly waiting: Array<() => void> = [];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: SessionOptions) {
    // Every request in flight listens to the connection's signal; thousands may be pipelined.
    setMaxListeners(0, this.controller.signal);
    this.state.connectionSignal = this.controller.signal;
    this.budget = new MemoryBudget(
      options.connectionBudgetBytes ?? LIMITS.connectionBudgetBytes,
      options.serverBudget,
    );
    const update = () => this.updateReading();
    this.unsubscribe.push(this.budget.onRelease(update), options.serverBudget.onRelease(update));
  }

  /** `frameBytes`: the frame's size as received (its text's UTF-8 length by default). */
  handleText(text: string, frameBytes = Buffer.byteLength(text)): void {
    const cost = 2 * frameBytes + LIMITS.requestOverheadBytes;
    this.admit(cost);
    const request = parseRequestFrame(text);
    if (!request.ok) return this.answer(cost, request.id, failure(request.code, request.error));
    const { id } = request;
    // Auth is off (or already done) by the time a frame reaches here; upstream clients that
    // send `authenticate` anyway are told it worked, so they go on (docs/protocol.md,
    // Authentication).
    if (isAuthenticateRequest(request)) {
      return this.answer(cost, id, { success: true, message: AUTH_MESSAGES.success });
    }
    const attachments: Attachments | undefined = request.binary ? [] : undefined;
    const attach =
      attachments &&
      ((field: BinaryField, bytes: Uint8Array) => {
        attachments.push([field, bytes]);
      });
    if (id === undefined) {
      return this.answerInOrder(
        cost,
        (reserve) => this.execute(request.command, request.params, reserve, {}, attach),
        attachments,
      );
    }
    // Only a client that tags its requests can tell an interim event from a reply.
    const emit = (event: HandlerEvent) => this.send({ id, ...event });
    const emitImage = (event: Record<string, unknown>, image: Uint8Array) =>
      new Promise<void>((resolve) => {
        const frame = { id, ...event };
        if (request.binary)
          this.send({ ...frame, image_data: '' }, [['image_data', image]], resolve);
        else {
          const base64 = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
          this.send({ ...frame, image_data: base64.toString('base64') }, undefined, resolve);
        }
      });
    return this.answerNow(
      cost,
      id,
      (reserve) =>
        this.execute(request.command, request.params, reserve, { emit, emitImage }, attach),
      attachments,
    );
  }

  handleBinary(frameBytes = 0): void {
    const cost = frameBytes + LIMITS.requestOverheadBytes;
    this.admit(cost);
    this.answer(
      cost,
      undefined,
      failure(
        'invalid_request',
        'Binary frames are not supported: send each request as a JSON text frame',
      ),
    );
  }

  /** Aborts in-flight handlers (their connection is gone, or the server is stopping). */
  close(reason = 'connection closed'): void {
    if (!this.closed) {
      this.closed = true;
      for (const off of this.unsubscribe.splice(0)) off();
    }
    this.controller.abort(new Error(reason));
    // Waiting requests now run at once and fail fast on the aborted signal.
    this.wakeAll();
  }

  /** Resolves once every request received so far has been answered. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Whether reading is paused (by the budgets), and how the client is keeping up. */
  get reading(): { paused: boolean; unsentBytes: number; sentBytes: number } {
    return { paused: this.paused, unsentBytes: this.unsentBytes, sentBytes: this.sentBytes };
  }

  private admit(cost: number): void {
    this.queued += 1;
    this.budget.add('queued', cost);
    this.updateReading();
  }

  private finish(cost: number): void {
    this.queued -= 1;
    this.budget.release('queued', cost);
    this.updateReading();
  }

  private updateReading(): void {
    if (this.closed) return;
    const server = this.options.serverBudget;
    const maxQueued = this.options.maxQueued ?? LIMITS.maxQueuedRequestsPerConnection;
    const pause =
      this.budget.full ||
      this.queued >= maxQueued ||
      (server.full && this.budget.usedBytes >= LIMITS.budgetFloorBytes);
    if (pause !== this.paused) {
      this.paused = pause;
      this.options.setPaused(pause);
    }
  }

  /** Behind on reading: new requests wait, as their replies would only pile up. */
  private get congested(): boolean {
    return this.unsentBytes >= this.budget.limitBytes / 2;
  }

  private execute(
    command: string,
    params: Record<string, unknown> | undefined,
    reserveMemory: Reserve,
    events: Pick<DispatchContext, 'emit' | 'emitImage'>,
    attachBytes?: (field: BinaryField, bytes: Uint8Array) => void,
  ): Promise<ReplyBody> {
    return this.options.dispatcher.dispatch(
      { command, params },
      {
        signal: this.controller.signal,
        session: this.state,
        ...events,
        reserveMemory,
        attachBytes,
      },
    );
  }

  /** A reply known without running anything, in its turn (no id) or at once (an id). */
  private answer(cost: number, id: RequestId | undefined, reply: ReplyBody): void {
    if (id !== undefined) this.answerNow(cost, id, async () => reply);
    else this.answerInOrder(cost, async () => reply);
  }

  private answerInOrder(
    cost: number,
    work: (reserve: Reserve) => Promise<ReplyBody>,
    attachments?: Attachments,
  ): void {
    const done = this.serial.then(() =>
      this.run(cost, async (reserve) => work(reserve), attachments),
    );
    this.serial = done;
    this.track(done);
  }

  private answerNow(
    cost: number,
    id: RequestId,
    work: (reserve: Reserve) => Promise<ReplyBody>,
    attachments?: Attachments,
  ): void {
    this.track(this.run(cost, async (reserve) => withId(await work(reserve), id), attachments));
  }

  private async run(
    cost: number,
    work: (reserve: Reserve) => Promise<ReplyBody>,
    attachments?: Attachments,
  ): Promise<void> {
    const max = this.options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_PER_CONNECTION;
    while (!this.closed && (this.congested || this.running >= max)) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    let reserved = 0;
    const reserve: Reserve = async (bytes, signal) => {
      // One reservation never needs more than half the budget (reads are capped well below).
      const clamped = Math.min(bytes, this.budget.limitBytes / 2);
      await this.budget.reserve(clamped, signal);
      reserved += clamped;
    };
    try {
      let reply: ReplyBody;
      try {
        reply = await work(reserve);
      } catch (err) {
        // The dispatcher never throws; should it, the requests queued behind still get answers.
        reply = failure('internal', err instanceof Error ? err.message : String(err));
      }
      this.send(reply, reply.success === true ? attachments : undefined);
    } finally {
      // The reply's own bytes are counted by now (as unsent); what it was built from is not.
      if (reserved > 0) this.budget.release('held', reserved);
      this.running -= 1;
      this.waiting.shift()?.();
      this.finish(cost);
    }
  }

  /** Lets every waiting request look again; those that still cannot start wait anew. */
  private wakeAll(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** A frame that cannot be sent (socket gone) must not stop the replies queued behind it. */
  private send(
    frame: ReplyBody | OutputEvent | Record<string, unknown>,
    attachments?: Attachments,
    onSent?: () => void,
  ): void {
    const maxBytes = this.options.maxReplyBytes ?? LIMITS.maxReplyBytes;
    let data: string | Uint8Array;
    let bytes: number;
    if (attachments !== undefined && attachments.length > 0) {
      const binary = encodeBinaryReply(frame, attachments);
      ({ text: data, bytes } =
        binary.byteLength <= maxBytes
          ? { text: binary, bytes: binary.byteLength }
          : refuseTooLarge(frame, binary.byteLength, maxBytes));
    } else {
      ({ text: data, bytes } = encodeReply(frame, maxBytes));
    }
    this.unsentBytes += bytes;
    this.budget.add('held', bytes);
    let released = false;
    const sent = () => {
      if (released) return;
      released = true;
      const wasCongested = this.congested;
      this.unsentBytes -= bytes;
      this.sentBytes += bytes;
      this.budget.release('held', bytes);
      if (wasCongested && !this.congested) this.wakeAll();
      this.updateReading();
      onSent?.();
    };
    try {
      this.options.send(data, sent);
    } catch {
      sent();
      this.close();
    }
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}
