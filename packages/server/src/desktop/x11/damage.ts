import type { DamageEvent } from '../desktop.js';
import type { X11Connection } from './x11-connection.js';
import type { X11DamageExtension, X11DamageNotify, X11ImageClient } from './x11-extension-types.js';

/**
 * Screen changes from the DAMAGE extension on the root window. Raw rectangles: each drawing
 * operation is reported as it happens, with nothing to acknowledge (the levels that accumulate a
 * region need a Subtract per event, and changes between an event and its Subtract would go
 * unreported). The damage object exists only while someone listens, so an idle server asks the X
 * server to track nothing. The pointer is not screen content: the X server draws the cursor
 * apart from the damage it reports.
 */
export class X11Damage {
  private readonly listeners = new Set<(event: DamageEvent) => void>();
  private damageId: number | undefined;
  // Creating a damage object reports the whole window as damaged once: that report is not a
  // change, and it arrives before the reply to the next round trip, so events before it are
  // dropped.
  private primed = false;

  constructor(
    private readonly connection: X11Connection,
    private readonly extension: X11DamageExtension,
  ) {
    connection.onEvent((event) => {
      if (event.name !== 'DamageNotify') return;
      const notify = event as unknown as X11DamageNotify;
      if (notify.damage !== this.damageId || !this.primed) return;
      const damage: DamageEvent = {
        area: { x: notify.area.x, y: notify.area.y, width: notify.area.w, height: notify.area.h },
        at: performance.now(),
      };
      for (const listener of this.listeners) listener(damage);
    });
  }

  static async open(connection: X11Connection): Promise<X11Damage | undefined> {
    try {
      const extension = await connection.call<X11DamageExtension>(
        'QueryExtension(DAMAGE)',
        (client, cb) =>
          (client as X11ImageClient).require('damage', (error, ext) => {
            cb(error, ext as X11DamageExtension);
          }),
      );
      return new X11Damage(connection, extension);
    } catch {
      return undefined;
    }
  }

  subscribe(listener: (event: DamageEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.damageId === undefined && !this.connection.closed) {
      const id = (this.connection.raw as X11ImageClient).AllocID();
      this.extension.Create(id, this.connection.root, this.extension.ReportLevel.RawRectangles);
      this.damageId = id;
      this.primed = false;
      this.connection.sync().then(
        () => {
          if (this.damageId === id) this.primed = true;
        },
        () => undefined,
      );
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0 || this.damageId === undefined) return;
      const id = this.damageId;
      this.damageId = undefined;
      if (!this.connection.closed) this.extension.Destroy(id);
    };
  }
}
