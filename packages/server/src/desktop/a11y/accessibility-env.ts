import path from 'node:path';

/**
 * What toolkits read before they expose their UI over AT-SPI: GTK 3 joins unless NO_AT_BRIDGE
 * is 1, Qt 5/6 only with QT_LINUX_ACCESSIBILITY_ALWAYS_ON (or an AT it can see), Chromium and
 * Electron with GNOME_ACCESSIBILITY / ACCESSIBILITY_ENABLED (besides org.a11y.Status).
 * `sessionBusAddress` is the bus the server found or started: apps must share it to find the
 * same AT-SPI bus.
 */
export function accessibilityEnv(sessionBusAddress?: string): Record<string, string> {
  return {
    NO_AT_BRIDGE: '0',
    GTK_A11Y: 'atspi',
    QT_ACCESSIBILITY: '1',
    QT_LINUX_ACCESSIBILITY_ALWAYS_ON: '1',
    GNOME_ACCESSIBILITY: '1',
    ACCESSIBILITY_ENABLED: '1',
    ...(sessionBusAddress ? { DBUS_SESSION_BUS_ADDRESS: sessionBusAddress } : {}),
  };
}

/** Chromium exposes only its own window chrome over AT-SPI unless told to expose pages too. */
export const CHROMIUM_ACCESSIBILITY_SWITCH = '--force-renderer-accessibility';

const CHROMIUM_LIKE =
  /^(chromium|chromium-browser|google-chrome(-\w+)?|chrome|brave(-browser)?|microsoft-edge(-\w+)?|electron|code)$/;

/** Whether `app` (a path or a name) is a Chromium or Electron executable. */
export function isChromiumLike(app: string): boolean {
  return CHROMIUM_LIKE.test(path.basename(app));
}

/** `args` with Chromium's accessibility switch added when `app` is Chromium-like. */
export function withChromiumAccessibility(app: string, args: readonly string[]): string[] {
  if (!isChromiumLike(app) || args.includes(CHROMIUM_ACCESSIBILITY_SWITCH)) return [...args];
  return [CHROMIUM_ACCESSIBILITY_SWITCH, ...args];
}
