import type { CommandsOfGroup } from '@cua/computer-protocol';
import { detectDesktopEnvironment } from '../desktop/desktop-environment.js';
import type { Desktop } from '../desktop/desktop.js';
import { resolveUserPath } from '../files/user-path.js';
import type { Handler } from './types.js';

export type DesktopHandlers = { [N in CommandsOfGroup<'desktop'>]: Handler<N> };

export interface DesktopHandlerOptions {
  /** Where the session variables are read from, at every call. */
  env: NodeJS.ProcessEnv;
}

/** The desktop commands (docs/protocol.md, Commands). */
export function desktopHandlers(desktop: Desktop, options: DesktopHandlerOptions): DesktopHandlers {
  return {
    get_desktop_environment: async (_params, ctx) => ({
      environment: await detectDesktopEnvironment(options.env, () =>
        desktop.windowManagerName(ctx.signal),
      ),
    }),
    set_wallpaper: async ({ path: input }, ctx) => {
      await desktop.setWallpaper(resolveUserPath(input), ctx.signal);
      return {};
    },
  };
}
