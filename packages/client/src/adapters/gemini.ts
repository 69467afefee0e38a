// Entry `@cua/computer-client/gemini`: Gemini computer use's predefined UI actions on a Computer.
import { splitHotkey } from '@cua/computer-protocol/wire';
import { ComputerError } from '../errors.js';
import type { ComputerLike, Shot, Step } from './action-runner.js';
import { GEMINI_BUDGET, gridDistance, gridToScreen } from './gemini-grid.js';
import type { ImageBudget } from './image-transform.js';
import { SCROLL_PX_PER_NOTCH } from './openai-scaling.js';
import { ScreenSession, type AdapterOptions } from './screen-session.js';
import { inputObject, pressSteps, scrollSteps, stringField } from './steps.js';
import { ToolInputError } from './tool-input-error.js';
import { webKey } from './web-keys.js';

export { GEMINI_BUDGET, GEMINI_GRID } from './gemini-grid.js';
export { FALLBACK_SETTLE_MS } from './action-runner.js';
export { ToolInputError } from './tool-input-error.js';
export type { AdapterOptions } from './screen-session.js';

/** The predefined actions this adapter runs on a desktop. */
export const GEMINI_DESKTOP_ACTIONS = [
  'click_at',
  'hover_at',
  'type_text_at',
  'key_combination',
  'scroll_at',
  'scroll_document',
  'drag_and_drop',
  'wait_5_seconds',
] as const;

/** Predefined actions that need a browser; the tool declares them excluded. */
export const GEMINI_BROWSER_ONLY_ACTIONS = [
  'open_web_browser',
  'navigate',
  'search',
  'go_back',
  'go_forward',
] as const;

/** `scroll_at` without `magnitude` scrolls this far on the 0-999 grid, as Gemini's docs say. */
const DEFAULT_MAGNITUDE = 800;
/** Notches of one `scroll_document`: about half of a screen in a browser. */
const DOCUMENT_SCROLL_NOTCHES = 5;
const WAIT_MS = 5000;

export type GeminiEnvironment = 'ENVIRONMENT_BROWSER' | 'ENVIRONMENT_DESKTOP';

export interface GeminiComputerOptions extends AdapterOptions {
  /**
   * Declared environment. Default `ENVIRONMENT_BROWSER`, the one Gemini's computer-use models
   * were released for; the browser-only actions are excluded either way.
   */
  environment?: GeminiEnvironment;
  /** Replaces the screenshot budget (default: fit in 1440x900). */
  budget?: ImageBudget;
  /**
   * Decides on a call whose `safety_decision` requires confirmation: resolve true to run it
   * (the response then carries `safety_acknowledgement`), false to refuse. Without it, such a
   * call is refused: nothing is acknowledged silently.
   */
  onSafetyDecision?: (
    decision: { decision: string; explanation?: string },
    call: GeminiFunctionCall,
  ) => boolean | Promise<boolean>;
  /** `url` for the function response, if your target has one (the browser actions use it). */
  currentUrl?: () => string | undefined;
}

/** A `functionCall` part of a Gemini response. */
export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

/** A `functionResponse` part for the next `user` turn. */
export interface GeminiFunctionResponsePart {
  functionResponse: {
    id?: string;
    name: string;
    response: Record<string, unknown>;
    parts: { inlineData: { mimeType: string; data: string } }[];
  };
}

/** The `tools` entry for `generateContent`. */
export interface GeminiComputerTool {
  computerUse: { environment: GeminiEnvironment; excludedPredefinedFunctions: string[] };
}

/** The decision was not confirmed; nothing was done. */
export class SafetyDecisionRefused extends Error {
  constructor(readonly explanation: string | undefined) {
    super(`Safety confirmation refused${explanation ? `: ${explanation}` : ''}`);
    this.name = 'SafetyDecisionRefused';
  }
}

/**
 * Gemini computer use on a Computer: `tool` goes into `config.tools`, each `functionCall`
 * through `run()`, and the part it returns into the next `user` content. Coordinates are on
 * Gemini's 0-999 grid over the whole screen, so they map to the screen exactly whatever the
 * screenshot's size. A mistake of the model or a failed command comes back as `error` in the
 * response, with a screenshot, so the model can correct itself.
 */
export class GeminiComputer {
  readonly tool: GeminiComputerTool;

  private constructor(
    private readonly session: ScreenSession,
    private readonly options: GeminiComputerOptions,
  ) {
    this.tool = {
      computerUse: {
        environment: options.environment ?? 'ENVIRONMENT_BROWSER',
        excludedPredefinedFunctions: [...GEMINI_BROWSER_ONLY_ACTIONS],
      },
    };
  }

  static async create(
    computer: ComputerLike,
    options: GeminiComputerOptions = {},
  ): Promise<GeminiComputer> {
    const budget = options.budget ?? GEMINI_BUDGET;
    const session = await ScreenSession.open(computer, () => budget, options);
    return new GeminiComputer(session, options);
  }

  /** The size of the screenshots sent. */
  get imageSize(): { width: number; height: number } {
    return this.session.imageSize;
  }

  /** A screenshot as an `inlineData` part, for the first turn. */
  async screenshot(): Promise<{ inlineData: { mimeType: string; data: string } }> {
    return inline(await this.session.act([]));
  }

  /** Runs one `functionCall` and returns its `functionResponse` part, with a screenshot. */
  async run(call: GeminiFunctionCall): Promise<GeminiFunctionResponsePart> {
    const name = call.name ?? '';
    const response: Record<string, unknown> = {};
    let shot: Shot;
    try {
      const args = inputObject(call.args ?? {});
      const safety = args.safety_decision as
        { decision?: string; explanation?: string } | undefined;
      if (safety?.decision === 'require_confirmation') {
        const approved = this.options.onSafetyDecision
          ? await this.options.onSafetyDecision({ decision: safety.decision, ...safety }, call)
          : false;
        if (approved !== true) throw new SafetyDecisionRefused(safety.explanation);
        response.safety_acknowledgement = 'true';
      }
      shot = await this.session.act(this.steps(name, args));
    } catch (error) {
      if (!ToolInputError.isInstance(error) && !ComputerError.isInstance(error)) throw error;
      response.error = ComputerError.isInstance(error)
        ? `The computer failed: ${error.message} (${error.code})`
        : error.message;
      shot = await this.session.act([]);
    }
    const url = this.options.currentUrl?.();
    if (url !== undefined) response.url = url;
    const functionResponse: GeminiFunctionResponsePart['functionResponse'] = {
      name,
      response,
      parts: [inline(shot)],
    };
    if (call.id !== undefined) functionResponse.id = call.id;
    return { functionResponse };
  }

  /** The commands of one predefined action. */
  steps(name: string, args: Record<string, unknown>): Step[] {
    const screen = this.session.screen;
    const at = (x = 'x', y = 'y') => gridToScreen(args[x], args[y], screen);
    switch (name) {
      case 'click_at': {
        const point = at();
        return [
          { command: 'move_cursor', params: point },
          { command: 'left_click', params: {} },
        ];
      }
      case 'hover_at':
        return [{ command: 'move_cursor', params: at() }];
      case 'type_text_at': {
        const point = at();
        const text = stringField(args, 'text');
        const steps: Step[] = [
          { command: 'move_cursor', params: point },
          { command: 'left_click', params: {} },
        ];
        if (args.clear_before_typing ?? true) {
          steps.push(...pressSteps(['ctrl', 'a']), ...pressSteps(['backspace']));
        }
        steps.push({ command: 'type_text', params: { text } });
        if (args.press_enter ?? true) steps.push(...pressSteps(['enter']));
        return steps;
      }
      case 'key_combination': {
        const keys = stringField(args, 'keys');
        return pressSteps(splitHotkey(keys).map(webKey));
      }
      case 'scroll_at': {
        const point = at();
        const direction = scrollDirection(args.direction);
        const magnitude =
          args.magnitude === undefined ? DEFAULT_MAGNITUDE : gridNumber(args.magnitude);
        const horizontal = direction === 'left' || direction === 'right';
        const pixels = gridDistance(magnitude, horizontal ? screen.width : screen.height);
        const notches = Math.max(1, Math.round(pixels / SCROLL_PX_PER_NOTCH));
        return scrollSteps(point, ...delta(direction, notches));
      }
      case 'scroll_document': {
        const direction = scrollDirection(args.direction);
        const middle = { x: Math.floor(screen.width / 2), y: Math.floor(screen.height / 2) };
        return scrollSteps(middle, ...delta(direction, DOCUMENT_SCROLL_NOTCHES));
      }
      case 'drag_and_drop': {
        const from = at();
        const to = at('destination_x', 'destination_y');
        const path = [
          [from.x, from.y],
          [to.x, to.y],
        ];
        return [{ command: 'drag', params: { path } }];
      }
      case 'wait_5_seconds':
        return [{ waitMs: WAIT_MS }];
      default:
        throw new ToolInputError(
          (GEMINI_BROWSER_ONLY_ACTIONS as readonly string[]).includes(name)
            ? `${name} needs a browser; this is a desktop (use the screen instead)`
            : `unknown action ${JSON.stringify(name)}`,
        );
    }
  }
}

type Direction = 'up' | 'down' | 'left' | 'right';

function scrollDirection(value: unknown): Direction {
  if (value === 'up' || value === 'down' || value === 'left' || value === 'right') return value;
  throw new ToolInputError(
    `direction must be up, down, left or right, got ${JSON.stringify(value)}`,
  );
}

function delta(direction: Direction, notches: number): [number, number] {
  switch (direction) {
    case 'up':
      return [0, -notches];
    case 'down':
      return [0, notches];
    case 'left':
      return [-notches, 0];
    case 'right':
      return [notches, 0];
  }
}

function gridNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 999) {
    throw new ToolInputError('magnitude must be a number from 0 to 999');
  }
  return value;
}

function inline(shot: Shot): { inlineData: { mimeType: string; data: string } } {
  return { inlineData: { mimeType: shot.mediaType, data: shot.base64 } };
}
