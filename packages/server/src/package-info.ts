declare const __PACKAGE_VERSION__: string;

/** Replaced at build time by tsup; tests that run the sources see the fallback. */
export const PACKAGE_NAME = '@cua/computer-server';
export const PACKAGE_VERSION: string =
  typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';

/** Wire extensions this server implements, announced by `version.features`. */
export const SERVER_FEATURES = [
  'request-id',
  'stream',
  'binary-images',
  'observe',
  'batch',
] as const;
