import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import { streamFrames } from '../desktop/media/frame-stream.js';
import type { Handler, HandlerContext, ServerServices, SessionState } from './types.js';

type LiveViewHandlers = {
  subscribe_frames: Handler<'subscribe_frames'>;
  unsubscribe_frames: Handler<'unsubscribe_frames'>;
  take_control: Handler<'take_control'>;
  release_control: Handler<'release_control'>;
};

/** Each connection's running frame streams, so `unsubscribe_frames` can end them. */
const streams = new WeakMap<SessionState, Set<AbortController>>();

/**
 * The live view: a frame stream that follows the screen's damage, and takeover, which pauses
 * every other connection's input while a person drives.
 */
function servicesOf(ctx: HandlerContext): ServerServices {
  if (ctx.services === undefined) throw new CommandError('internal', 'No server services here');
  return ctx.services;
}

/** Control must end with its connection: a one-request transport could never hand it back. */
function requireConnection(ctx: HandlerContext): void {
  if (ctx.session.connectionSignal === undefined) {
    throw new CommandError(
      'invalid_request',
      'take_control needs a connection that stays open (/ws): control ends when it closes',
    );
  }
}

export function liveViewHandlers(desktop: Desktop): LiveViewHandlers {
  return {
    subscribe_frames: async (params, ctx) => {
      const send = ctx.emitImage;
      if (send === undefined) {
        throw new CommandError(
          'invalid_request',
          'subscribe_frames streams events: send it over /ws with an "id", so its frames can be told from replies',
        );
      }
      const own = new AbortController();
      const onAbort = () => own.abort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const mine = streams.get(ctx.session) ?? new Set();
      streams.set(ctx.session, mine);
      mine.add(own);
      try {
        const frames = await streamFrames(
          desktop,
          {
            format: params.format,
            quality: params.quality,
            maxWidth: params.max_width,
            fps: params.fps,
            signal: own.signal,
          },
          (frame) =>
            send(
              {
                event: 'frame',
                seq: frame.seq,
                format: frame.format,
                width: frame.width,
                height: frame.height,
                latency_ms: Math.round(frame.latencyMs * 10) / 10,
              },
              frame.data,
            ),
        );
        return { frames };
      } finally {
        mine.delete(own);
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    unsubscribe_frames: (_params, ctx) => {
      const mine = streams.get(ctx.session) ?? new Set();
      const stopped = mine.size;
      for (const stream of mine) stream.abort();
      return { stopped };
    },
    take_control: (_params, ctx) => {
      requireConnection(ctx);
      servicesOf(ctx).control.take(ctx.session);
      return {};
    },
    release_control: (_params, ctx) => {
      servicesOf(ctx).control.release(ctx.session);
      return {};
    },
  };
}
