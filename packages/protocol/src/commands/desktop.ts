import { z } from 'zod';
import { EmptySchema, PathParamSchema } from './common.js';
import { defineCommand } from './define.js';

export const desktopCommands = {
  get_desktop_environment: defineCommand({
    group: 'desktop',
    kind: 'read',
    description: 'The desktop environment name (gnome, xfce4, openbox, windows, mac, unknown, …).',
    params: EmptySchema,
    result: z.object({ environment: z.string() }),
  }),
  set_wallpaper: defineCommand({
    group: 'desktop',
    kind: 'effect',
    description: 'Set the desktop wallpaper to an image file.',
    params: z.object({ path: PathParamSchema }),
    result: EmptySchema,
  }),
};
