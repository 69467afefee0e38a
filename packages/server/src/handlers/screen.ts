import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import { base64, captureScreenshot } from './capture-screenshot.js';
import type { Handler, SessionState } from './types.js';

function mapping(session: SessionState, scale: number | undefined) {
  if (scale !== undefined) return { scale, offsetX: 0, offsetY: 0 };
  return session.lastScreenshot ?? { scale: 1, offsetX: 0, offsetY: 0 };
}

export function screenHandlers(desktop: Desktop): { [N in CommandsOfGroup<'screen'>]: Handler<N> } {
  return {
    screenshot: async (params, ctx) => {
      const { image, format, scale } = await captureScreenshot(desktop, params, ctx.session);
      let imageData = '';
      if (ctx.attachBytes) ctx.attachBytes('image_data', image.data);
      else {
        imageData = base64(image.data);
      }
      return {
        image_data: imageData,
        format,
        width: image.width,
        height: image.height,
        scale,
      };
    },
    get_screen_size: async () => ({
      size: await desktop.screenSize(),
      monitors: await desktop.monitors(),
    }),
    get_cursor_position: async () => ({ position: await desktop.cursorPosition() }),
    to_screen_coordinates: (params, ctx) => {
      const { scale, offsetX, offsetY } = mapping(ctx.session, params.scale);
      return { coordinates: [offsetX + params.x / scale, offsetY + params.y / scale] };
    },
    to_screenshot_coordinates: (params, ctx) => {
      const { scale, offsetX, offsetY } = mapping(ctx.session, params.scale);
      return { coordinates: [(params.x - offsetX) * scale, (params.y - offsetY) * scale] };
    },
  };
}
