import { describe, expect, it } from 'vitest';
import { expectClickedAndTyped, expectFinished, runAgent } from './helpers/agent-example.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { expectThat, pngSize, seenAt, type ModelRequest } from './helpers/model-stand-in.js';

const SCRIPT = 'examples/anthropic-agent/anthropic-agent.mjs';
const SCREEN = { width: 1920, height: 1080 };
// What the adapter shrinks 1920x1080 to: long edge ≤ 1568 and ≤ 1.15 MP.
const IMAGE = { width: 1429, height: 804 };

const ctx = useDesktopServer({ desktop: SCREEN });
const env = (modelUrl: string) => ({
  CUA_URL: ctx.server.url,
  ANTHROPIC_API_KEY: 'sk-ant-test',
  ANTHROPIC_BASE_URL: modelUrl,
});

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
    const text = 'typed by claude ✓';
    const scene = {
      title: 'claude-term',
      decoy: { x: 1300, y: 600, width: 300, height: 200 },
      inset: { x: 37, y: 23 },
      text,
    };
    // One screenshot pixel covers 1.34 screen pixels: the pointer must land within one of the
    // target, and the terminal get the text.
    await expectClickedAndTyped(ctx.display, scene, async (target) => {
      const point = seenAt(target, SCREEN, IMAGE);
      const result = await runAgent(SCRIPT, ['type into the terminal'], env, [
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
      expectFinished(result);
      const { run, model } = result;
      expect(run.stdout).toContain('goal: type into the terminal');
      expect(run.stdout).toContain(`screenshots: ${IMAGE.width}x${IMAGE.height}`);
      expect(run.stdout).toContain('step 1: {"action":"screenshot"}');
      expect(run.stdout).toContain(
        `step 2: {"action":"left_click","coordinate":[${point[0]},${point[1]}]}`,
      );
      expect(run.stdout).toContain(`step 3: {"action":"type","text":${JSON.stringify(text)}}`);
      expect(run.stdout).toContain('step 4: model: Typed it.');
      expect(model.requests).toHaveLength(4);
    });
  });

  it('reports a model mistake back as is_error and goes on', async () => {
    const { run, model } = await runAgent(SCRIPT, [], env, [
      () => message(0, [toolUse(1, { action: 'left_click', coordinate: [5000, 10] })]),
      (request) => {
        const last = (request.body.messages as { content: Record<string, unknown>[] }[]).at(-1)!;
        const result = last.content[0]!;
        expectThat(result.is_error === true, `not an error: ${JSON.stringify(result)}`);
        return message(1, [{ type: 'text', text: 'Sorry.' }], 'end_turn');
      },
    ]);
    expect(model.problems).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/step 1: .*→ error: \(5000, 10\) is outside the 1429x804/);
  });
});
