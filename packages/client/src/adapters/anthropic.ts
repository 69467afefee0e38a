// Entry `@cua/computer-client/anthropic`: Anthropic's `computer` tool on a Computer.
import { ComputerError } from '../errors.js';
import type { ComputerLike, Shot, Step } from './action-runner.js';
import {
  ANTHROPIC_IMAGE_LIMITS,
  anthropicBudget,
  type AnthropicScaling,
} from './anthropic-scaling.js';
import type { ImageTransform } from './image-transform.js';
import { ScreenSession, type AdapterOptions } from './screen-session.js';
import {
  inputObject,
  numberField,
  pressSteps,
  scrollSteps,
  secondsToMs,
  stringField,
  withKeysHeld,
} from './steps.js';
import { ToolInputError } from './tool-input-error.js';
import { xdotoolCombo } from './xdotool-keys.js';

export { ANTHROPIC_IMAGE_LIMITS, ANTHROPIC_REFERENCE_TARGETS } from './anthropic-scaling.js';
export type { AnthropicScaling } from './anthropic-scaling.js';
export { FALLBACK_SETTLE_MS } from './action-runner.js';
export { ToolInputError } from './tool-input-error.js';
export type { AdapterOptions } from './screen-session.js';

export type AnthropicToolVersion = 'computer_20250124' | 'computer_20251124';

/** The beta flag `messages.create` needs for each tool version. */
export const ANTHROPIC_BETAS: Readonly<Record<AnthropicToolVersion, string>> = {
  computer_20250124: 'computer-use-2025-01-24',
  computer_20251124: 'computer-use-2025-11-24',
};

export interface AnthropicComputerOptions extends AdapterOptions {
  /** Default `computer_20250124`; `computer_20251124` adds `zoom`. */
  version?: AnthropicToolVersion;
  /** How screenshots are shrunk (default `limits`). */
  scaling?: AnthropicScaling;
  /** Offer `zoom` (computer_20251124 only; default true there). */
  enableZoom?: boolean;
}

/** The tool definition for `tools` of `messages.create` (beta). */
export interface AnthropicComputerTool {
  type: AnthropicToolVersion;
  name: 'computer';
  display_width_px: number;
  display_height_px: number;
  enable_zoom?: boolean;
}

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'image';
      source: { type: 'base64'; media_type: 'image/png' | 'image/jpeg'; data: string };
    };

/** A `tool_result` block, ready for the next user message. */
export interface AnthropicToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content: AnthropicContentBlock[];
  is_error?: boolean;
}

/** The part of a `tool_use` block the adapter reads. */
export interface AnthropicToolUse {
  id: string;
  name: string;
  input: unknown;
}

const MAX_WAIT_SECONDS = 100;
const MAX_REPEAT = 100;

/**
 * Anthropic's `computer` tool on a Computer: `tool` goes into `tools`, each `tool_use` block
 * named `computer` goes through `run()`, and its `tool_result` back to the model. Screenshots
 * are shrunk to what the API takes without shrinking again, and the model's coordinates are
 * mapped back through the last screenshot it saw.
 */
export class AnthropicComputer {
  readonly version: AnthropicToolVersion;
  readonly tool: AnthropicComputerTool;
  /** Pass as `betas` to `client.beta.messages.create`. */
  readonly betas: string[];
  private readonly zoom: boolean;

  private constructor(
    private readonly session: ScreenSession,
    options: AnthropicComputerOptions,
  ) {
    this.version = options.version ?? 'computer_20250124';
    this.zoom = this.version === 'computer_20251124' && (options.enableZoom ?? true);
    this.betas = [ANTHROPIC_BETAS[this.version]];
    this.tool = {
      type: this.version,
      name: 'computer',
      display_width_px: session.imageSize.width,
      display_height_px: session.imageSize.height,
      ...(this.zoom ? { enable_zoom: true } : {}),
    };
  }

  static async create(
    computer: ComputerLike,
    options: AnthropicComputerOptions = {},
  ): Promise<AnthropicComputer> {
    const scaling = options.scaling ?? 'limits';
    const session = await ScreenSession.open(
      computer,
      (screen) => anthropicBudget(screen, scaling),
      options,
    );
    return new AnthropicComputer(session, options);
  }

  /** The transform of the last screenshot sent (screenshot pixels ↔ screen pixels). */
  get transform(): ImageTransform {
    return this.session.transform;
  }

  /**
   * Runs one `tool_use` block and returns its `tool_result`. A mistake of the model (unknown
   * action, bad coordinates, unknown key) or a failed command comes back as `is_error`, so the
   * model can correct itself; a lost connection rejects.
   */
  async run(block: AnthropicToolUse): Promise<AnthropicToolResult> {
    try {
      const content = await this.runInput(block.input);
      return { type: 'tool_result', tool_use_id: block.id, content };
    } catch (error) {
      if (ToolInputError.isInstance(error) || ComputerError.isInstance(error)) {
        const text = ComputerError.isInstance(error)
          ? `The computer failed: ${error.message} (${error.code})`
          : error.message;
        return {
          type: 'tool_result',
          tool_use_id: block.id,
          is_error: true,
          content: [{ type: 'text', text }],
        };
      }
      throw error;
    }
  }

  /** Runs a `tool_use` input and returns the content blocks; throws what `run()` reports. */
  async runInput(rawInput: unknown): Promise<AnthropicContentBlock[]> {
    const input = inputObject(rawInput);
    const action = input.action;
    const point = (field = 'coordinate') => this.point(input[field], field);
    const optionalPoint = () =>
      input.coordinate === undefined || input.coordinate === null ? undefined : point();
    const held = () => this.heldKeys(input.text);
    const act = async (steps: Step[]) => [image(await this.session.act(steps))];
    const click = (command: Step & { command: string }) => {
      const at = optionalPoint();
      const steps: Step[] = at ? [{ command: 'move_cursor', params: at }, command] : [command];
      return act(withKeysHeld(held(), steps));
    };

    switch (action) {
      case 'screenshot':
        return act([]);
      case 'key': {
        const keys = xdotoolCombo(stringField(input, 'text'));
        const repeat = this.repeat(input.repeat);
        return act(Array.from({ length: repeat }, () => pressSteps(keys)).flat());
      }
      case 'hold_key': {
        const keys = xdotoolCombo(stringField(input, 'text'));
        const waitMs = secondsToMs(input.duration, 'duration', MAX_WAIT_SECONDS);
        return act(withKeysHeld(keys, [{ waitMs }]));
      }
      case 'type': {
        const text = stringField(input, 'text');
        return act([{ command: 'type_text', params: { text } }]);
      }
      case 'mouse_move':
        return act([{ command: 'move_cursor', params: point() }]);
      case 'left_click':
        return click({ command: 'left_click', params: {} });
      case 'right_click':
        return click({ command: 'right_click', params: {} });
      case 'middle_click':
        return click({ command: 'middle_click', params: {} });
      case 'double_click':
        return click({ command: 'double_click', params: {} });
      case 'triple_click': {
        const at = optionalPoint();
        // X counts a third press within the double-click time as a triple click.
        const steps: Step[] = [
          { command: 'double_click', params: at ?? {} },
          { command: 'left_click', params: at ?? {} },
        ];
        return act(withKeysHeld(held(), steps));
      }
      case 'left_click_drag': {
        const from = point('start_coordinate');
        const to = point();
        const path = [
          [from.x, from.y],
          [to.x, to.y],
        ];
        return act(withKeysHeld(held(), [{ command: 'drag', params: { path } }]));
      }
      case 'left_mouse_down':
      case 'left_mouse_up': {
        const at = optionalPoint();
        const command = action === 'left_mouse_down' ? 'mouse_down' : 'mouse_up';
        return act([{ command, params: { ...at, button: 'left' } }]);
      }
      case 'scroll': {
        const at = optionalPoint() ?? (await this.cursor());
        const amount = numberField(input, 'scroll_amount');
        if (!Number.isInteger(amount) || amount < 0 || amount > MAX_REPEAT) {
          throw new ToolInputError(`scroll_amount must be a whole number from 0 to ${MAX_REPEAT}`);
        }
        const direction = input.scroll_direction;
        const [dx, dy] =
          direction === 'up'
            ? [0, -amount]
            : direction === 'down'
              ? [0, amount]
              : direction === 'left'
                ? [-amount, 0]
                : direction === 'right'
                  ? [amount, 0]
                  : badDirection(direction);
        return act(withKeysHeld(held(), scrollSteps(at, dx, dy)));
      }
      case 'wait':
        return act([{ waitMs: secondsToMs(input.duration, 'duration', MAX_WAIT_SECONDS) }]);
      case 'cursor_position': {
        const screen = await this.cursor();
        const seen = this.session.transform.toImage(screen.x, screen.y);
        return [{ type: 'text', text: `X=${seen.x},Y=${seen.y}` }];
      }
      case 'zoom': {
        if (!this.zoom) throw unknownAction(action, this.version);
        const region = input.region;
        if (!Array.isArray(region) || region.length !== 4) {
          throw new ToolInputError('region must be [x0, y0, x1, y1] in screenshot pixels');
        }
        const [x0, y0, x1, y1] = region as number[];
        const screen = this.session.transform.regionToScreen(x0!, y0!, x1!, y1!);
        return [image(await this.session.region(screen, ANTHROPIC_IMAGE_LIMITS))];
      }
      default:
        throw unknownAction(action, this.version);
    }
  }

  private point(value: unknown, field: string): { x: number; y: number } {
    if (!Array.isArray(value) || value.length !== 2) {
      throw new ToolInputError(`${field} must be [x, y] in screenshot pixels`);
    }
    return this.session.transform.toScreen(value[0] as number, value[1] as number);
  }

  private heldKeys(text: unknown): string[] {
    if (text === undefined || text === null || text === '') return [];
    if (typeof text !== 'string') throw new ToolInputError('text must name the keys to hold');
    return xdotoolCombo(text);
  }

  private repeat(value: unknown): number {
    if (value === undefined || value === null) return 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_REPEAT) {
      throw new ToolInputError(`repeat must be a whole number from 1 to ${MAX_REPEAT}`);
    }
    return value;
  }

  private async cursor(): Promise<{ x: number; y: number }> {
    const { position } = await this.session.computer.call('get_cursor_position');
    return { x: position.x, y: position.y };
  }
}

function image(shot: Shot): AnthropicContentBlock {
  return {
    type: 'image',
    source: { type: 'base64', media_type: shot.mediaType, data: shot.base64 },
  };
}

function unknownAction(action: unknown, version: AnthropicToolVersion): ToolInputError {
  return new ToolInputError(`unknown action ${JSON.stringify(action)} for ${version}`);
}

function badDirection(direction: unknown): never {
  throw new ToolInputError(
    `scroll_direction must be up, down, left or right, got ${JSON.stringify(direction)}`,
  );
}
