/**
 * What memory is held for: `queued` requests received but not answered yet, and `held` bytes
 * (reservations of running requests, replies not yet sent). Reading stops on the sum; a
 * reservation waits on `held` alone, since the requests queued behind a running one cannot
 * finish before it does (waiting on them would wait forever).
 */
export type BudgetKind = 'queued' | 'held';

/**
 * A memory budget with an optional parent: a connection's budget counts into the server's, so
 * both bound what a client can make the server hold. Nothing here allocates or refuses; the
 * session pauses reading when `full`, and handlers `reserve` before large allocations.
 */
export class MemoryBudget {
  private queuedBytes = 0;
  private heldBytes = 0;
  private waiting = 0;
  private highWaterBytes = 0;
  private readonly listeners = new Set<() => void>();
  private readonly drainedListeners = new Set<(peakBytes: number) => void>();

  constructor(
    readonly limitBytes: number,
    readonly parent?: MemoryBudget,
  ) {}

  get usedBytes(): number {
    return this.queuedBytes + this.heldBytes;
  }

  get held(): number {
    return this.heldBytes;
  }

  get full(): boolean {
    return this.usedBytes >= this.limitBytes;
  }

  add(kind: BudgetKind, bytes: number): void {
    if (kind === 'queued') this.queuedBytes += bytes;
    else this.heldBytes += bytes;
    this.highWaterBytes = Math.max(this.highWaterBytes, this.usedBytes);
    this.parent?.add(kind, bytes);
  }

  release(kind: BudgetKind, bytes: number): void {
    const wasFull = this.full;
    if (kind === 'queued') this.queuedBytes -= bytes;
    else this.heldBytes -= bytes;
    this.parent?.release(kind, bytes);
    // Only those who may now proceed need to hear of it: thousands of connections listen.
    if (wasFull || this.waiting > 0) for (const listener of [...this.listeners]) listener();
    if (this.usedBytes === 0 && this.highWaterBytes > 0) {
      const peak = this.highWaterBytes;
      this.highWaterBytes = 0;
      for (const listener of this.drainedListeners) listener(peak);
    }
  }

  /** Called with the peak whenever everything held has been released again. */
  onDrained(listener: (peakBytes: number) => void): () => void {
    this.drainedListeners.add(listener);
    return () => this.drainedListeners.delete(listener);
  }

  /** Whether `bytes` more may be held here and in every ancestor. One holder always may. */
  canHold(bytes: number): boolean {
    const here = this.heldBytes === 0 || this.heldBytes + bytes <= this.limitBytes;
    return here && (this.parent?.canHold(bytes) ?? true);
  }

  /** Called after releases that may matter (the budget was full, or someone waits). */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits until `bytes` can be held, then holds them; rejects when `signal` aborts. */
  async reserve(bytes: number, signal: AbortSignal): Promise<void> {
    while (!this.canHold(bytes)) {
      signal.throwIfAborted();
      await this.nextRelease(signal);
    }
    this.add('held', bytes);
  }

  /** This budget and every one above it. */
  private lineage(): MemoryBudget[] {
    return [this, ...(this.parent?.lineage() ?? [])];
  }

  private nextRelease(signal: AbortSignal): Promise<void> {
    const chain = this.lineage();
    return new Promise<void>((resolve, reject) => {
      const offs: Array<() => void> = [];
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        for (const off of offs) off();
        for (const b of chain) b.waiting -= 1;
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal.reason as Error);
      };
      for (const b of chain) {
        b.waiting += 1;
        offs.push(
          b.onRelease(() => {
            if (settled) return;
            done();
            resolve();
          }),
        );
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
