// The protocol's runtime helpers that need no zod, as their own entry
// (`@cua/computer-protocol/wire`): the browser client bundles these and nothing else.
export * from './binary-reply.js';
