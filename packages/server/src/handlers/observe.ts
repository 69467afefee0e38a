import type {
  CommandName,
  Observation,
  ResolvedObserveOptions,
  ResolvedParams,
} from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import { SettleWatch, type Settled } from '../desktop/settle.js';
import { base64, captureScreenshot } from './capture-screenshot.js';
import type { Handler, HandlerContext } from './types.js';

async function observation(
  desktop: Desktop,
  options: ResolvedObserveOptions,
  settled: Settled,
  ctx: HandlerContext,
): Promise<Observation> {
  const { image, format, scale } = await captureScreenshot(desktop, options, ctx.session);
  return {
    image_data: base64(image.data),
    format,
    width: image.width,
    height: image.height,
    scale,
    settled: settled.settled,
    settle_ms: settled.settleMs,
    changed: settled.changed,
  };
}

/**
 * Runs `action` (in its turn on the input queue), then lets the queue go on, waits for the
 * screen to settle and takes the screenshot. The queue is not held through the wait: another
 * connection's input may run meanwhile (and show in the observation), but an animation that
 * never settles does not stall every other agent for timeout_ms.
 */
export async function observeAfter<T>(
  desktop: Desktop,
  options: ResolvedObserveOptions,
  ctx: HandlerContext,
  action: () => Promise<T>,
): Promise<{ result: T; observation: Observation }> {
  const watch = await SettleWatch.start(desktop);
  let settled: Settled;
  let result: T;
  try {
    result = await action();
    watch.actionEnded();
    ctx.releaseInput?.();
    settled = await watch.wait({
      quietMs: options.quiet_ms,
      timeoutMs: options.timeout_ms,
      signal: ctx.signal,
    });
  } finally {
    watch.close();
  }
  return { result, observation: await observation(desktop, options, settled, ctx) };
}

type Observed<N extends CommandName> =
  ResolvedParams<N> extends {
    observe?: ResolvedObserveOptions | undefined;
  }
    ? N
    : never;

/** The input handlers, each taking `observe`: after its action, the settled screenshot. */
export function withObservation<T extends { [N in CommandName as Observed<N>]?: Handler<N> }>(
  desktop: Desktop,
  handlers: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const plain = handler as Handler<'left_click'>;
    wrapped[name] = async (params: ResolvedParams<'left_click'>, ctx: HandlerContext) => {
      if (!params.observe) return plain(params, ctx);
      const { result, observation } = await observeAfter(desktop, params.observe, ctx, async () =>
        plain(params, ctx),
      );
      return { ...result, observation };
    };
  }
  return wrapped as T;
}

export function observeHandlers(desktop: Desktop): { observe: Handler<'observe'> } {
  return {
    // No action: the settle is measured from now.
    observe: async (options, ctx) =>
      (await observeAfter(desktop, options, ctx, async () => undefined)).observation,
  };
}
