import { describe, expect, it } from 'vitest';
import { expectClickedAndTyped, expectFinished, runAgent } from './helpers/agent-example.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { expectThat, pngSize } from './helpers/model-stand-in.js';

const SCRIPT = 'examples/gemini-agent/gemini-agent.mjs';
// 1280x800 fits Gemini's 1440x900 as it is.
const SCREEN = { width: 1280, height: 800 };

const ctx = useDesktopServer({ desktop: SCREEN });
const env = (modelUrl: string) => ({
  CUA_URL: ctx.server.url,
  GEMINI_API_KEY: 'test-key',
  GOOGLE_GEMINI_BASE_URL: modelUrl,
});

/** A generateContent reply with these parts (the documented shape). */
const reply = (parts: unknown[]) => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
  modelVersion: 'gemini-2.5-computer-use-preview-10-2025',
});

type Part = {
  inlineData?: { mimeType: string; data: string };
  functionResponse?: { name: string; response: Record<string, unknown>; parts: Part[] };
};

function expectImage(part: Part | undefined, what: string): void {
  expectThat(part?.inlineData?.mimeType === 'image/png', `${what}: no PNG`);
  const size = pngSize(part!.inlineData!.data);
  expectThat(
    size.width === SCREEN.width && size.height === SCREEN.height,
    `${what}: ${size.width}x${size.height}`,
  );
}

describe('examples/gemini-agent', () => {
  it('types where Gemini pointed on its 0-999 grid', async () => {
    const text = 'typed by gemini ✓';
    const scene = {
      title: 'gemini-term',
      decoy: { x: 900, y: 500, width: 300, height: 200 },
      inset: { x: 29, y: 31 },
      text,
    };
    // One grid cell is 1.28 screen pixels wide: the pointer must land on the target's pixel or
    // its neighbour, and the click focus the terminal.
    await expectClickedAndTyped(ctx.display, scene, async (target) => {
      const grid = {
        x: Math.floor(((target.x + 0.5) * 1000) / SCREEN.width),
        y: Math.floor(((target.y + 0.5) * 1000) / SCREEN.height),
      };
      const result = await runAgent(SCRIPT, ['type into the terminal'], env, [
        (request) => {
          expectThat(/:generateContent$/.test(request.path), `path ${request.path}`);
          const tools = JSON.stringify(request.body.tools);
          expectThat(/computer_?[uU]se/.test(tools), `tools: ${tools}`);
          expectThat(tools.includes('open_web_browser'), `browser actions not excluded: ${tools}`);
          const contents = request.body.contents as { parts: Part[] }[];
          expectImage(contents[0]!.parts[1], 'first screenshot');
          return reply([
            {
              functionCall: {
                name: 'type_text_at',
                args: { ...grid, text, press_enter: false, clear_before_typing: false },
              },
            },
          ]);
        },
        (request) => {
          const contents = request.body.contents as { role: string; parts: Part[] }[];
          const answer = contents.at(-1)!.parts[0]!.functionResponse;
          expectThat(answer?.name === 'type_text_at', `answer: ${JSON.stringify(answer)}`);
          expectThat(JSON.stringify(answer!.response) === '{}', JSON.stringify(answer!.response));
          expectImage(answer!.parts[0], 'function response screenshot');
          return reply([{ text: 'Typed it.' }]);
        },
      ]);
      expectFinished(result);
      expect(result.run.stdout).toContain(`step 1: type_text_at {"x":${grid.x},"y":${grid.y},`);
      expect(result.run.stdout).toContain('step 2: model: Typed it.');
    });
  });
});
