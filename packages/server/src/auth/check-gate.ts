export interface CheckGateOptions {
  maxPerAddress: number;
  maxTotal: number;
  /** While true, checks start at most one per `slowLaneIntervalMs` (global failure budget spent). */
  slowLane: () => boolean;
  slowLaneIntervalMs: number;
}

interface Waiter {
  address: string;
  start: () => void;
}

/**
 * Bounds the remote key verifications running at once, per client address and in total, so a
 * flood of handshakes cannot turn into a flood of requests to the verification service (nor
 * use up sockets and DNS threads). Checks beyond the bounds wait their turn, first come first
 * served; none is refused here.
 */
export class CheckGate {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly queue: Waiter[] = [];
  private lastStartAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CheckGateOptions) {}

  get running(): number {
    return this.total;
  }

  async run<T>(address: string, check: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.queue.push({ address, start: resolve });
      this.pump();
    });
    try {
      return await check();
    } finally {
      this.total -= 1;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
      this.pump();
    }
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    for (let i = 0; i < this.queue.length && this.total < this.options.maxTotal;) {
      const waiter = this.queue[i]!;
      if ((this.perAddress.get(waiter.address) ?? 0) >= this.options.maxPerAddress) {
        i += 1;
        continue;
      }
      if (this.options.slowLane()) {
        const wait = this.lastStartAt + this.options.slowLaneIntervalMs - Date.now();
        if (wait > 0) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, wait);
          this.timer.unref();
          return;
        }
      }
      this.queue.splice(i, 1);
      this.total += 1;
      this.perAddress.set(waiter.address, (this.perAddress.get(waiter.address) ?? 0) + 1);
      this.lastStartAt = Date.now();
      waiter.start();
    }
  }
}
