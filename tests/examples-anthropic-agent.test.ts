import { describe, expect, it } from 'vitest';
import { openRecordingTerminal, pointerPosition, windowGeometry } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { runExample } from './helpers/examples.js';
import {
  expectThat,
  pngSize,
  seenAt,
  startModelStandIn,
  type ModelRequest,
} from './helpers/model-stand-in.js';
import { openFocusedEventWindow } from './helpers/xev.js';

const SCRIPT = 'examples/anthropic-agent/anthropic-agent.mjs';
const SCREEN = { width: 1920, height: 1080 };
// What the adapter shrinks 1920x1080 to: long edge ≤ 1568 and ≤ 1.15 MP.
const IMAGE = { width: 1429, height: 804 };

const ctx = useDesktopServer({ desktop: SCREEN });

/** A Messages API reply with these content blocks (the documented shape). */
function message(index: number, content: unknown[], stopReason = 'tool_use') {
  return {
    id: `msg_${index}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20 },
  };
}

const toolUse = (index: number, input: Record<string, unknown>) => ({
  type: 'tool_use',
  id: `toolu_${index}`,
  name: 'computer',
  input,
});

/** Checks the request answers the previous tool_use with a screenshot of the declared size. */
function expectScreenshotResult(request: ModelRequest, index: number): void {
  const messages = request.body.messages as { role: string; content: unknown }[];
  const last = messages.at(-1)!;
  const results = last.content as {
    type: string;
    tool_use_id: string;
    is_error?: boolean;
    content: { type: string; source?: { media_type: string; data: string } }[];
  }[];
  expectThat(last.role === 'user', 'the last message is not the user turn');
  const result = results[0]!;
  expectThat(result.type === 'tool_result', `not a tool_result: ${JSON.stringify(result)}`);
  expectThat(result.tool_use_id === `toolu_${index}`, `answers ${result.tool_use_id}`);
  expectThat(result.is_error === undefined, `is_error: ${JSON.stringify(result.content)}`);
  const image = result.content.find((block) => block.type === 'image')!;
  expectThat(image?.source?.media_type === 'image/png', 'no PNG in the tool_result');
  const size = pngSize(image.source!.data);
  expectThat(
    size.width === IMAGE.width && size.height === IMAGE.height,
    `screenshot is ${size.width}x${size.height}, not the declared ${IMAGE.width}x${IMAGE.height}`,
  );
}

describe('examples/anthropic-agent', () => {
  it('clicks where Claude pointed on a shrunk screenshot and types into the terminal', async () => {
    const term = await openRecordingTerminal(ctx.display, 'claude-term');
    // The xev window has the focus: the text reaches the terminal only if the click did.
    const witness = await openFocusedEventWindow(ctx.display, {
      x: 1300,
      y: 600,
      width: 300,
      height: 200,
    });
    try {
      const box = windowGeometry(ctx.display, term.windowId);
      const target = { x: box.x + box.width - 37, y: box.y + box.height - 23 };
      const point = seenAt(target, SCREEN, IMAGE);
      const text = 'typed by claude ✓';

      const model = await startModelStandIn([
        (request) => {
          expectThat(request.path.startsWith('/v1/messages'), `path ${request.path}`);
          expectThat(
            String(request.headers['anthropic-beta']).includes('computer-use-2025-01-24'),
            'no computer-use beta header',
          );
          const tools = request.body.tools as Record<string, unknown>[];
          expectThat(
            JSON.stringify(tools) ===
              JSON.stringify([
                {
                  type: 'computer_20250124',
                  name: 'computer',
                  display_width_px: IMAGE.width,
                  display_height_px: IMAGE.height,
                },
              ]),
            `tools: ${JSON.stringify(tools)}`,
          );
          return message(0, [
            { type: 'text', text: 'Let me look at the screen.' },
            toolUse(1, { action: 'screenshot' }),
          ]);
        },
        (request) => {
          expectScreenshotResult(request, 1);
          return message(1, [toolUse(2, { action: 'left_click', coordinate: point })]);
        },
        (request) => {
          expectScreenshotResult(request, 2);
          return message(2, [toolUse(3, { action: 'type', text })]);
        },
        (request) => {
          expectScreenshotResult(request, 3);
          return message(3, [{ type: 'text', text: 'Typed it.' }], 'end_turn');
        },
      ]);
      try {
        const run = await runExample(SCRIPT, ['type into the terminal'], {
          CUA_URL: ctx.server.url,
          ANTHROPIC_API_KEY: 'sk-ant-test',
          ANTHROPIC_BASE_URL: model.url,
        });
        expect(model.problems).toEqual([]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('goal: type into the terminal');
        expect(run.stdout).toContain(`screenshots: ${IMAGE.width}x${IMAGE.height}`);
        expect(run.stdout).toContain('step 1: {"action":"screenshot"}');
        expect(run.stdout).toContain(
          `step 2: {"action":"left_click","coordinate":[${point[0]},${point[1]}]}`,
        );
        expect(run.stdout).toContain(`step 3: {"action":"type","text":${JSON.stringify(text)}}`);
        expect(run.stdout).toContain('step 4: model: Typed it.');
        expect(run.stdout).toMatch(/^done$/m);
        expect(model.requests).toHaveLength(4);

        // On the desktop: the pointer is on the screen pixel the model pointed at (one
        // screenshot pixel covers 1.34 screen pixels), and the terminal got the text.
        const pointer = pointerPosition(ctx.display);
        expect(Math.abs(pointer.x - target.x)).toBeLessThanOrEqual(1);
        expect(Math.abs(pointer.y - target.y)).toBeLessThanOrEqual(1);
        const expected = Buffer.from(text, 'utf8');
        expect((await term.waitForBytes(expected.length)).equals(expected)).toBe(true);
        expect(witness.presses()).toEqual([]);
      } finally {
        await model.close();
      }
    } finally {
      await witness.close();
      await term.close();
    }
  });

  it('reports a model mistake back as is_error and goes on', async () => {
    const model = await startModelStandIn([
      () => message(0, [toolUse(1, { action: 'left_click', coordinate: [5000, 10] })]),
      (request) => {
        const last = (request.body.messages as { content: Record<string, unknown>[] }[]).at(-1)!;
        const result = last.content[0]!;
        expectThat(result.is_error === true, `not an error: ${JSON.stringify(result)}`);
        return message(1, [{ type: 'text', text: 'Sorry.' }], 'end_turn');
      },
    ]);
    try {
      const run = await runExample(SCRIPT, [], {
        CUA_URL: ctx.server.url,
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: model.url,
      });
      expect(model.problems).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/step 1: .*→ error: \(5000, 10\) is outside the 1429x804/);
    } finally {
      await model.close();
    }
  });
});
