import type { CommandsOfGroup, ResolvedParams } from '@cua/computer-protocol';
import { CommandError } from '../command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import type { ImageFormat } from '../desktop/desktop.js';
import type { Handler, SessionState } from './types.js';

type Region = { x: number; y: number; width: number; height: number };

/** The image size after `scale` and `max_width`/`max_height`: never larger than the capture. */
function outputSize(
  region: Region,
  params: ResolvedParams<'screenshot'>,
): { width: number; height: number; scale: number } {
  let scale = params.scale ?? 1;
  if (params.max_width !== undefined) scale = Math.min(scale, params.max_width / region.width);
  if (params.max_height !== undefined) scale = Math.min(scale, params.max_height / region.height);
  scale = Math.min(scale, 1);
  const width = Math.max(1, Math.round(region.width * scale));
  const height = Math.max(1, Math.round(region.height * scale));
  return { width, height, scale: width / region.width };
}

function mapping(session: SessionState, scale: number | undefined) {
  if (scale !== undefined) return { scale, offsetX: 0, offsetY: 0 };
  return session.lastScreenshot ?? { scale: 1, offsetX: 0, offsetY: 0 };
}

export function screenHandlers(desktop: Desktop): { [N in CommandsOfGroup<'screen'>]: Handler<N> } {
  return {
    screenshot: async (params, ctx) => {
      const screen = await desktop.screenSize();
      const full = { x: 0, y: 0, width: screen.width, height: screen.height };
      const region = params.region ?? full;
      if (region.x + region.width > screen.width || region.y + region.height > screen.height) {
        throw new CommandError(
          'invalid_params',
          `region ${region.width}x${region.height}+${region.x}+${region.y} is outside the ${screen.width}x${screen.height} screen`,
        );
      }
      const size = outputSize(region, params);
      const format: ImageFormat = params.format === 'jpg' ? 'jpeg' : params.format;
      const image = await desktop.capture(params.region ? region : undefined, {
        format,
        quality: params.quality,
        width: size.width,
        height: size.height,
      });
      ctx.session.lastScreenshot = { scale: size.scale, offsetX: region.x, offsetY: region.y };
      let imageData = '';
      if (ctx.attachBytes) ctx.attachBytes('image_data', image.data);
      else {
        imageData = Buffer.from(
          image.data.buffer,
          image.data.byteOffset,
          image.data.byteLength,
        ).toString('base64');
      }
      return {
        image_data: imageData,
        format,
        width: image.width,
        height: image.height,
        scale: size.scale,
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
