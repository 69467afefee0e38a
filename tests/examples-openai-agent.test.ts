import { describe, expect, it } from 'vitest';
import { expectClickedAndTyped, expectFinished, runAgent } from './helpers/agent-example.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { expectThat, pngSize, seenAt, type ModelRequest } from './helpers/model-stand-in.js';

const SCRIPT = 'examples/openai-agent/openai-agent.mjs';
const SCREEN = { width: 2560, height: 1440 };
// The `computer` tool's budget (1920x1200) keeps 16:9 at 1920x1080: 0.75 of the screen.
const IMAGE = { width: 1920, height: 1080 };

const ctx = useDesktopServer({ desktop: SCREEN });
const env = (modelUrl: string) => ({
  CUA_URL: ctx.server.url,
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: `${modelUrl}/v1`,
});

/** A Responses API reply with these output items (the documented shape). */
function response(index: number, output: unknown[]) {
  return {
    id: `resp_${index}`,
    object: 'response',
    created_at: 1_700_000_000 + index,
    status: 'completed',
    model: 'gpt-5.4',
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [{ type: 'computer' }],
    truncation: 'auto',
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    temperature: 1,
    top_p: 1,
    usage: { input_tokens: 100, output_tokens: 20, total_tokens: 120 },
  };
}

const computerCall = (index: number, fields: Record<string, unknown>) => ({
  type: 'computer_call',
  id: `cu_${index}`,
  call_id: `call_${index}`,
  pending_safety_checks: [],
  status: 'completed',
  ...fields,
});

/** Checks the request answers call `index` with a screenshot of IMAGE's size. */
function expectScreenshotOutput(request: ModelRequest, index: number): void {
  expectThat(request.body.previous_response_id === `resp_${index - 1}`, 'not chained');
  const [item] = request.body.input as {
    type: string;
    call_id: string;
    output: { type: string; image_url: string };
  }[];
  expectThat(item?.type === 'computer_call_output', `input: ${JSON.stringify(item)}`);
  expectThat(item!.call_id === `call_${index}`, `answers ${item!.call_id}`);
  expectThat(item!.output.type === 'computer_screenshot', 'not a computer_screenshot');
  const prefix = 'data:image/png;base64,';
  expectThat(item!.output.image_url.startsWith(prefix), 'not a PNG data URL');
  const size = pngSize(item!.output.image_url.slice(prefix.length));
  expectThat(
    size.width === IMAGE.width && size.height === IMAGE.height,
    `screenshot is ${size.width}x${size.height}, not ${IMAGE.width}x${IMAGE.height}`,
  );
}

describe('examples/openai-agent', () => {
  it('runs a batched click and typing on a 2560x1440 screen, where the model pointed', async () => {
    const text = 'typed by gpt ✓';
    const scene = {
      title: 'openai-term',
      decoy: { x: 1800, y: 900, width: 300, height: 200 },
      inset: { x: 41, y: 17 },
      text,
    };
    await expectClickedAndTyped(ctx.display, scene, async (target) => {
      const [px, py] = seenAt(target, SCREEN, IMAGE);
      const result = await runAgent(SCRIPT, ['type into the terminal'], env, [
        (request) => {
          expectThat(request.path === '/v1/responses', `path ${request.path}`);
          expectThat(
            JSON.stringify(request.body.tools) === JSON.stringify([{ type: 'computer' }]),
            `tools: ${JSON.stringify(request.body.tools)}`,
          );
          return response(0, [computerCall(1, { action: { type: 'screenshot' } })]);
        },
        (request) => {
          expectScreenshotOutput(request, 1);
          return response(1, [
            computerCall(2, {
              actions: [
                { type: 'click', button: 'left', x: px, y: py },
                { type: 'type', text },
              ],
            }),
          ]);
        },
        (request) => {
          expectScreenshotOutput(request, 2);
          return response(2, [
            {
              type: 'message',
              id: 'msg_3',
              status: 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text: 'Typed it.', annotations: [] }],
            },
          ]);
        },
      ]);
      expectFinished(result);
      const { run } = result;
      expect(run.stdout).toContain(`screenshots: ${IMAGE.width}x${IMAGE.height}`);
      expect(run.stdout).toContain('step 1: {"type":"screenshot"}');
      expect(run.stdout).toContain(`step 2: {"type":"click","button":"left","x":${px},"y":${py}}`);
      expect(run.stdout).toContain(`step 2: {"type":"type","text":${JSON.stringify(text)}}`);
      expect(run.stdout).toContain('step 3: model: Typed it.');
    });
  });

  it('refuses a call with pending safety checks, and does nothing', async () => {
    const { run, model } = await runAgent(SCRIPT, [], env, [
      () =>
        response(0, [
          computerCall(1, {
            action: { type: 'type', text: 'rm -rf' },
            pending_safety_checks: [
              { id: 'cu_sc_1', code: 'malicious_instructions', message: 'Looks risky' },
            ],
          }),
        ]),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('safety check: malicious_instructions: Looks risky');
    expect(run.stderr).toContain('Pending safety checks not acknowledged');
    expect(model.requests).toHaveLength(1);
  });
});
