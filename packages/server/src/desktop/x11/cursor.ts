import { CommandError } from '../../core/command-error.js';
import type { CursorImage } from '../desktop.js';
import type { X11Connection } from './x11-connection.js';
import type { X11ImageClient } from './x11-extension-types.js';

interface XFixesCursorReply {
  x: number;
  y: number;
  width: number;
  height: number;
  xhot: number;
  yhot: number;
  cursorImage: Buffer;
}

interface XFixesExtension {
  GetCursorImage(callback: (error: Error | null, reply?: XFixesCursorReply) => boolean): void;
}

/**
 * The pointer's image through XFIXES: the X server draws the cursor apart from the screen's
 * pixels, so frames that should show it (recordings) draw it themselves.
 */
export class X11Cursor {
  private constructor(
    private readonly connection: X11Connection,
    private readonly xfixes: XFixesExtension,
  ) {}

  static async open(connection: X11Connection): Promise<X11Cursor | undefined> {
    try {
      const xfixes = await connection.call<XFixesExtension>(
        'QueryExtension(XFIXES)',
        (client, cb) =>
          (client as X11ImageClient).require('fixes', (error, ext) => {
            cb(error, ext as XFixesExtension);
          }),
      );
      return new X11Cursor(connection, xfixes);
    } catch (error) {
      if (error instanceof CommandError && error.code === 'display_unavailable') throw error;
      return undefined;
    }
  }

  async image(): Promise<CursorImage> {
    const reply = await this.connection.call<XFixesCursorReply>('XFixesGetCursorImage', (_c, cb) =>
      this.xfixes.GetCursorImage(cb),
    );
    return {
      x: reply.x,
      y: reply.y,
      width: reply.width,
      height: reply.height,
      xhot: reply.xhot,
      yhot: reply.yhot,
      argb: reply.cursorImage,
    };
  }
}
