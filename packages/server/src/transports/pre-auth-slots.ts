export interface PreAuthSlot {
  /** The connection authenticated, failed or went away. Safe to call twice. */
  release(): void;
  /**
   * The connection only waits out a failure delay: when the slot is needed, `evict` drops it
   * (its reply never comes; its attempt already counted as a failure).
   */
  park(evict: () => void): void;
}

interface Entry {
  address: string;
  evict: (() => void) | undefined;
}

/**
 * Counts connections that have not authenticated yet (`/ws` sockets before their handshake,
 * `/cmd` requests before their headers are checked), per client address and in total. When a
 * bound is reached, a connection that only waits out a failure delay makes room first: a new
 * attempt (perhaps with the right key) is refused only when every slot is a live check.
 */
export class PreAuthSlots {
  private readonly entries = new Set<Entry>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly maxPerAddress: number,
    private readonly maxTotal: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  acquire(address: string): PreAuthSlot | undefined {
    if ((this.perAddress.get(address) ?? 0) >= this.maxPerAddress && !this.evictOne(address)) {
      return undefined;
    }
    if (this.entries.size >= this.maxTotal && !this.evictOne(undefined)) return undefined;
    const entry: Entry = { address, evict: undefined };
    this.entries.add(entry);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.entries.delete(entry);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left === 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    };
    return {
      release,
      park: (evict) => {
        entry.evict = () => {
          release();
          evict();
        };
      },
    };
  }

  /** Drops the oldest parked connection (of `address`, when given); false if there is none. */
  private evictOne(address: string | undefined): boolean {
    for (const entry of this.entries) {
      if (entry.evict === undefined) continue;
      if (address !== undefined && entry.address !== address) continue;
      entry.evict();
      return true;
    }
    return false;
  }
}
