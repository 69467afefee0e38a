// A computer-use agent on Claude: the model drives the computer through Anthropic's `computer`
// tool until it says it is done.
//
//   ANTHROPIC_API_KEY=… node examples/anthropic-agent/anthropic-agent.mjs "the goal"
//
// CUA_URL: the server (default ws://127.0.0.1:8000/ws). ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL:
// read by the SDK itself. CUA_MODEL (default claude-sonnet-4-5), CUA_TOOL_VERSION
// (computer_20250124, or computer_20251124 for zoom), CUA_MAX_STEPS (default 20).
import Anthropic from '@anthropic-ai/sdk';
import { Computer } from '@cua/computer-client';
import { AnthropicComputer } from '@cua/computer-client/anthropic';

const goal = process.argv[2] ?? 'Open a terminal and type "hello"';
const model = process.env.CUA_MODEL || 'claude-sonnet-4-5';
const version = process.env.CUA_TOOL_VERSION || 'computer_20250124';
const maxSteps = Number(process.env.CUA_MAX_STEPS ?? 20);

const computer = new Computer({ url: process.env.CUA_URL || 'ws://127.0.0.1:8000/ws' });
try {
  const tool = await AnthropicComputer.create(computer, { version });
  const client = new Anthropic();
  const messages = [{ role: 'user', content: goal }];
  console.log(`goal: ${goal}`);
  console.log(`screenshots: ${tool.tool.display_width_px}x${tool.tool.display_height_px}`);
  let done = false;
  for (let step = 1; step <= maxSteps && !done; step++) {
    const response = await client.beta.messages.create({
      model,
      max_tokens: 1024,
      tools: [tool.tool],
      betas: tool.betas,
      messages,
    });
    messages.push({ role: 'assistant', content: response.content });
    const results = [];
    for (const block of response.content) {
      if (block.type === 'text') console.log(`step ${step}: model: ${block.text}`);
      if (block.type !== 'tool_use') continue;
      const result = await tool.run(block);
      const error = result.is_error ? ` → error: ${result.content[0].text}` : '';
      console.log(`step ${step}: ${JSON.stringify(block.input)}${error}`);
      results.push(result);
    }
    if (results.length === 0) done = true;
    else messages.push({ role: 'user', content: results });
  }
  console.log(done ? 'done' : `stopped after ${maxSteps} steps`);
} catch (error) {
  console.error(`agent failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await computer.close();
}
