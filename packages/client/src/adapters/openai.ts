// Entry `@cua/computer-client/openai`: the Responses API computer tool on a Computer.
import type { ComputerLike, Shot, Step } from './action-runner.js';
import type { ImageBudget, ImageTransform } from './image-transform.js';
import { OPENAI_BUDGETS, pixelsToNotches, type OpenAIToolType } from './openai-scaling.js';
import { ScreenSession, type AdapterOptions } from './screen-session.js';
import {
  inputObject,
  numberField,
  pressSteps,
  scrollSteps,
  stringField,
  withKeysHeld,
} from './steps.js';
import { ToolInputError } from './tool-input-error.js';
import { webKeys } from './web-keys.js';

export { OPENAI_BUDGETS, SCROLL_PX_PER_NOTCH, pixelsToNotches } from './openai-scaling.js';
export type { OpenAIToolType } from './openai-scaling.js';
export { FALLBACK_SETTLE_MS } from './action-runner.js';
export { ToolInputError } from './tool-input-error.js';
export type { AdapterOptions } from './screen-session.js';

/** A safety check the API asks the developer to acknowledge before the action runs. */
export interface OpenAISafetyCheck {
  id: string;
  code?: string | null;
  message?: string | null;
}

/** The part of a `computer_call` output item the adapter reads. */
export interface OpenAIComputerCall {
  type?: 'computer_call';
  call_id: string;
  action?: unknown;
  actions?: unknown[] | null;
  pending_safety_checks?: OpenAISafetyCheck[] | null;
}

/** The `computer_call_output` input item answering a call. */
export interface OpenAIComputerCallOutput {
  type: 'computer_call_output';
  call_id: string;
  output: { type: 'computer_screenshot'; image_url: string };
  acknowledged_safety_checks?: OpenAISafetyCheck[];
}

export type OpenAIComputerTool =
  | { type: 'computer' }
  | {
      type: 'computer_use_preview';
      display_width: number;
      display_height: number;
      environment: 'linux';
    };

export interface OpenAIComputerOptions extends AdapterOptions {
  /** `computer` (default, the GA tool) or `computer_use_preview`. */
  tool?: OpenAIToolType;
  /** Replaces the tool's screenshot budget (OPENAI_BUDGETS). */
  budget?: ImageBudget;
  /**
   * Decides on the pending safety checks of a call: resolve true to acknowledge them all and
   * run the action, false to refuse. Without it, a call with checks is refused: no check is
   * ever acknowledged silently.
   */
  onSafetyChecks?: (
    checks: readonly OpenAISafetyCheck[],
    call: OpenAIComputerCall,
  ) => boolean | Promise<boolean>;
}

/** The call had pending safety checks and they were not acknowledged; nothing was done. */
export class SafetyCheckRefused extends Error {
  constructor(readonly checks: readonly OpenAISafetyCheck[]) {
    super(
      `Pending safety checks not acknowledged: ${checks
        .map((c) => `${c.code ?? c.id}${c.message ? ` (${c.message})` : ''}`)
        .join('; ')}`,
    );
    this.name = 'SafetyCheckRefused';
  }
}

/**
 * The Responses API computer tool on a Computer: `tool` goes into `tools`, each
 * `computer_call` output item through `run()`, and the `computer_call_output` it returns back
 * as input. The tool's output has no error form, so a mistake of the model rejects with a
 * ToolInputError (nothing done) and a failed command with a ComputerError.
 */
export class OpenAIComputer {
  readonly tool: OpenAIComputerTool;

  private constructor(
    private readonly session: ScreenSession,
    private readonly options: OpenAIComputerOptions,
  ) {
    const { width, height } = session.imageSize;
    this.tool =
      (options.tool ?? 'computer') === 'computer'
        ? { type: 'computer' }
        : {
            type: 'computer_use_preview',
            display_width: width,
            display_height: height,
            environment: 'linux',
          };
  }

  static async create(
    computer: ComputerLike,
    options: OpenAIComputerOptions = {},
  ): Promise<OpenAIComputer> {
    const budget = options.budget ?? OPENAI_BUDGETS[options.tool ?? 'computer'];
    const session = await ScreenSession.open(computer, () => budget, options);
    return new OpenAIComputer(session, options);
  }

  /** The transform of the last screenshot sent (screenshot pixels ↔ screen pixels). */
  get transform(): ImageTransform {
    return this.session.transform;
  }

  /** The size of the screenshots sent. */
  get imageSize(): { width: number; height: number } {
    return this.session.imageSize;
  }

  /** A screenshot as an `input_image` for the first turn (the GA tool starts from one). */
  async screenshot(): Promise<{ type: 'input_image'; image_url: string; detail: 'auto' }> {
    const shot = await this.session.act([]);
    return { type: 'input_image', image_url: dataUrl(shot), detail: 'auto' };
  }

  /**
   * Runs a `computer_call` (its `action`, or its batched `actions` in order) and returns the
   * `computer_call_output` with the screenshot of the result.
   */
  async run(call: OpenAIComputerCall): Promise<OpenAIComputerCallOutput> {
    const checks = call.pending_safety_checks ?? [];
    if (checks.length > 0) {
      const approved = this.options.onSafetyChecks
        ? await this.options.onSafetyChecks(checks, call)
        : false;
      if (approved !== true) throw new SafetyCheckRefused(checks);
    }
    const actions = call.actions && call.actions.length > 0 ? call.actions : [call.action];
    // Every action is checked before the first runs, so a bad one leaves the screen untouched.
    const steps = actions.flatMap((action) => this.steps(action));
    const shot = await this.session.act(steps);
    const output: OpenAIComputerCallOutput = {
      type: 'computer_call_output',
      call_id: call.call_id,
      output: { type: 'computer_screenshot', image_url: dataUrl(shot) },
    };
    if (checks.length > 0) output.acknowledged_safety_checks = checks.map((c) => ({ ...c }));
    return output;
  }

  /** The commands of one action. */
  steps(rawAction: unknown): Step[] {
    const action = inputObject(rawAction);
    const at = () => this.session.transform.toScreen(action.x as number, action.y as number);
    const held = () =>
      action.keys === undefined || action.keys === null ? [] : webKeys(action.keys);
    const type = action.type;
    switch (type) {
      case 'screenshot':
        return [];
      case 'click': {
        const point = at();
        const move: Step = { command: 'move_cursor', params: point };
        switch (action.button ?? 'left') {
          case 'left':
            return withKeysHeld(held(), [move, { command: 'left_click', params: {} }]);
          case 'right':
            return withKeysHeld(held(), [move, { command: 'right_click', params: {} }]);
          case 'wheel':
            return withKeysHeld(held(), [move, { command: 'middle_click', params: {} }]);
          // X has buttons 8 and 9 for these, which our server does not press; applications
          // bind them to history, as alt+Left and alt+Right are.
          case 'back':
            return [move, ...pressSteps(['alt', 'left'])];
          case 'forward':
            return [move, ...pressSteps(['alt', 'right'])];
          default:
            throw new ToolInputError(`unknown button ${JSON.stringify(action.button)}`);
        }
      }
      case 'double_click':
        return withKeysHeld(held(), [
          { command: 'move_cursor', params: at() },
          { command: 'double_click', params: {} },
        ]);
      case 'move':
        return withKeysHeld(held(), [{ command: 'move_cursor', params: at() }]);
      case 'drag': {
        const path = action.path;
        if (!Array.isArray(path) || path.length < 2) {
          throw new ToolInputError('path must list at least two {x, y} points');
        }
        const points = path.map((p) => {
          const { x, y } = inputObject(p);
          const screen = this.session.transform.toScreen(x as number, y as number);
          return [screen.x, screen.y];
        });
        return withKeysHeld(held(), [{ command: 'drag', params: { path: points } }]);
      }
      case 'keypress': {
        const keys = webKeys(action.keys);
        return pressSteps(keys);
      }
      case 'scroll': {
        const dx = pixelsToNotches(numberField(action, 'scroll_x'));
        const dy = pixelsToNotches(numberField(action, 'scroll_y'));
        return withKeysHeld(held(), scrollSteps(at(), dx, dy));
      }
      case 'type':
        return [{ command: 'type_text', params: { text: stringField(action, 'text') } }];
      case 'wait': {
        const ms = action.ms === undefined ? DEFAULT_WAIT_MS : numberField(action, 'ms');
        return [{ waitMs: Math.min(Math.max(0, ms), MAX_WAIT_MS) }];
      }
      default:
        throw new ToolInputError(`unknown action ${JSON.stringify(type)}`);
    }
  }
}

/** A `wait` action has no length: two seconds, as OpenAI's sample harness waits. */
const DEFAULT_WAIT_MS = 2000;
const MAX_WAIT_MS = 60_000;

function dataUrl(shot: Shot): string {
  return `data:${shot.mediaType};base64,${shot.base64}`;
}
