// The protocol's runtime helpers that need no zod, as their own entry
// (`@cua/computer-protocol/wire`): the browser client bundles these and nothing else. So every
// module exported here must stay free of zod imports (type-only imports are fine).
export * from './binary-reply.js';
export * from './defaults.js';
export * from './error-status.js';
export * from './hotkey.js';
export * from './http-status.js';
export * from './reply-envelope.js';
