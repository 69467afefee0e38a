// `subscribeFrames`: the server's frame stream, one `frame` event per change of the screen.
import type { CommandResult } from '@cua/computer-protocol';
import type { ImageFormat, LiveFrame, SubscribeFramesOptions } from './computer-types.js';
import { decodeReplyBytes, parseReply } from './reply-parsing.js';
import { binaryField, type RawReply, type Transport } from './transport.js';

/** Streams until `signal` aborts (then `unsubscribe` ends it), the server ends it, or it drops. */
export async function subscribeFrames(
  transport: Transport,
  options: SubscribeFramesOptions,
  unsubscribe: () => Promise<unknown>,
): Promise<CommandResult<'subscribe_frames'>> {
  const { onFrame, signal, format, quality, maxWidth, fps } = options;
  const params = { format, quality, max_width: maxWidth, fps };
  const onAbort = () => void unsubscribe().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reply = await transport.request('subscribe_frames', params, {
      timeoutMs: Number.POSITIVE_INFINITY,
      binary: true,
      nativeEvents: true,
      onEvent: (event) => {
        if (event.event === 'frame') onFrame(liveFrame(event));
      },
    });
    return parseReply('subscribe_frames', reply);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function liveFrame(event: RawReply): LiveFrame {
  return {
    seq: event.seq as number,
    format: event.format as ImageFormat,
    width: event.width as number,
    height: event.height as number,
    latencyMs: event.latency_ms as number,
    data:
      binaryField(event, 'image_data') ??
      decodeReplyBytes('subscribe_frames', event.image_data as string),
  };
}
