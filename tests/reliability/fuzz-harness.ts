import type { CommandName } from '@cua/computer-protocol';
import {
  describeFrame,
  expectWs,
  type Expectation,
  type Frame,
  type FrameGenerator,
} from './frames.js';
import {
  isCleanFailure,
  SEED_NOTE,
  type HandlerCall,
  type Reply,
  type WireClient,
} from './helpers.js';

interface Sent {
  frame: Frame;
  expectation: Expectation;
}

/**
 * `stub`: every handler that runs succeeds (recording stubs), so a valid frame must get
 * `success: true`. `real`: handlers are the machine's, so a valid frame gets a success or a
 * clean failure; only the envelope and the params check are judged.
 */
export type HandlerMode = 'stub' | 'real';

const MAX_ERRORS = 25;

/** Drives one socket: sends frames, and checks each reply against the oracle as it arrives. */
export class FuzzSocket {
  readonly errors: string[] = [];
  /** `name fingerprint` of every frame that should have run a handler. */
  readonly expectedRuns: string[] = [];
  private readonly byId = new Map<string, Sent>();
  private readonly inOrder: Sent[] = [];
  private sentCount = 0;

  constructor(
    readonly client: WireClient,
    private readonly mode: HandlerMode,
    private readonly label: string,
  ) {
    client.onReply((reply) => this.onReply(reply));
  }

  get outstanding(): number {
    return this.byId.size + this.inOrder.length;
  }

  get sent(): number {
    return this.sentCount;
  }

  send(frame: Frame, expectation: Expectation = expectWs(frame)): void {
    const sent = { frame, expectation };
    if (expectation.idKey === undefined) this.inOrder.push(sent);
    else {
      if (this.byId.has(expectation.idKey))
        throw new Error(`generator reused id ${expectation.idKey}`);
      this.byId.set(expectation.idKey, sent);
    }
    if (expectation.outcome.kind === 'run') {
      this.expectedRuns.push(runKey(expectation.outcome.name, expectation.outcome.fingerprint));
    }
    this.sentCount += 1;
    if (frame.binary) this.client.send(frame.binary, true);
    else this.client.send(frame.text!);
  }

  /** Sends a batch, then `version` on the same socket, and waits until all are answered. */
  async batch(generator: FrameGenerator, count: number, accept?: (e: Expectation) => boolean) {
    for (let i = 0; i < count; i += 1) {
      let frame = generator.next();
      let expectation = expectWs(frame);
      while (accept && !accept(expectation)) {
        frame = generator.next();
        expectation = expectWs(frame);
      }
      this.send(frame, expectation);
    }
    await this.probe();
  }

  /** Sends fixed frames, in batches each followed by the `version` probe. */
  async sendAll(frames: Frame[], batchSize = 100): Promise<void> {
    for (let i = 0; i < frames.length; i += batchSize) {
      for (const frame of frames.slice(i, i + batchSize)) this.send(frame);
      await this.probe();
    }
  }

  /** `version` must still work on the same socket, after every reply before it has come. */
  private async probe(): Promise<void> {
    const probe: Frame = { label: 'version probe after a batch', text: '{"command":"version"}' };
    this.send(probe);
    await this.client.until(
      () => this.outstanding === 0 || this.client.closeCode !== undefined,
      30_000,
      `${this.outstanding} replies on ${this.label} ${SEED_NOTE}`,
    );
    if (this.client.closeCode !== undefined) {
      this.error(`socket closed with ${this.client.closeCode} after ${this.sentCount} frames`);
    }
  }

  private onReply(reply: Reply): void {
    let sent: Sent | undefined;
    if ('id' in reply) {
      const key = JSON.stringify(reply.id);
      sent = this.byId.get(key);
      if (sent === undefined) {
        this.error(
          `reply with an id no request is waiting for (duplicate or invented): ${snippet(reply)}`,
        );
        return;
      }
      this.byId.delete(key);
    } else {
      sent = this.inOrder.shift();
      if (sent === undefined) {
        this.error(
          `reply without id when none was due (duplicate or unsolicited): ${snippet(reply)}`,
        );
        return;
      }
    }
    const problem = this.judge(reply, sent.expectation);
    if (problem)
      this.error(
        `${problem}\n    frame: ${describeFrame(sent.frame)}\n    reply: ${snippet(reply)}`,
      );
  }

  private judge(reply: Reply, expectation: Expectation): string | undefined {
    const { outcome } = expectation;
    switch (outcome.kind) {
      case 'failure':
        if (!isCleanFailure(reply)) return `expected a clean failure (${outcome.code})`;
        if (reply.code !== outcome.code) return `expected code ${outcome.code}`;
        return undefined;
      case 'authenticate':
        return reply.success === true
          ? undefined
          : 'expected authenticate to succeed (auth is off)';
      case 'run':
        if (outcome.name === 'version' && (reply.success !== true || reply.protocol !== 1)) {
          return 'expected version to succeed';
        }
        if (this.mode === 'stub')
          return reply.success === true ? undefined : 'expected the stub to succeed';
        return reply.success === true || isCleanFailure(reply)
          ? undefined
          : 'expected success or a clean failure';
    }
  }

  private error(message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`[${this.label}] ${message}`);
  }
}

export function runKey(name: CommandName, fingerprint: string): string {
  return `${name} ${fingerprint}`;
}

/**
 * Compares what ran with what should have: a handler call with no valid frame behind it means a
 * command ran with invalid params (or twice); a valid frame with no call means it was lost.
 */
export function compareRuns(expected: string[], calls: HandlerCall[]): string[] {
  const counts = new Map<string, number>();
  for (const key of expected) counts.set(key, (counts.get(key) ?? 0) + 1);
  const problems: string[] = [];
  for (const call of calls) {
    const key = runKey(call.name, call.fingerprint);
    const left = counts.get(key) ?? 0;
    if (left === 0) problems.push(`${call.name} ran without a valid frame asking for it (${key})`);
    else counts.set(key, left - 1);
  }
  for (const [key, left] of counts) {
    if (left > 0) problems.push(`${left} valid frame(s) never ran their handler: ${key}`);
  }
  return problems.slice(0, MAX_ERRORS);
}

function snippet(reply: Reply): string {
  const text = JSON.stringify(reply);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
