// A computer-use agent on OpenAI's Responses API: the model drives the computer through the
// `computer` tool until it answers without a computer_call.
//
//   OPENAI_API_KEY=… node examples/openai-agent/openai-agent.mjs "the goal"
//
// CUA_URL: the server (default ws://127.0.0.1:8000/ws). OPENAI_API_KEY, OPENAI_BASE_URL: read
// by the SDK itself. CUA_MODEL (default gpt-5.4), CUA_TOOL (computer, or computer_use_preview
// with CUA_MODEL=computer-use-preview), CUA_MAX_STEPS (default 20), CUA_APPROVE_SAFETY_CHECKS=1
// to acknowledge pending safety checks (they are logged and refused otherwise).
import OpenAI from 'openai';
import { Computer } from '@cua/computer-client';
import { OpenAIComputer } from '@cua/computer-client/openai';

const goal = process.argv[2] ?? 'Open a terminal and type "hello"';
const model = process.env.CUA_MODEL || 'gpt-5.4';
const maxSteps = Number(process.env.CUA_MAX_STEPS ?? 20);

const computer = new Computer({ url: process.env.CUA_URL || 'ws://127.0.0.1:8000/ws' });
try {
  const tool = await OpenAIComputer.create(computer, {
    tool: process.env.CUA_TOOL || 'computer',
    onSafetyChecks: (checks) => {
      for (const check of checks) console.log(`safety check: ${check.code}: ${check.message}`);
      return process.env.CUA_APPROVE_SAFETY_CHECKS === '1';
    },
  });
  const client = new OpenAI();
  console.log(`goal: ${goal}`);
  console.log(`screenshots: ${tool.imageSize.width}x${tool.imageSize.height}`);
  const request = { model, tools: [tool.tool], truncation: 'auto' };
  let response = await client.responses.create({
    ...request,
    input: [{ role: 'user', content: goal }],
  });
  let done = false;
  for (let step = 1; step <= maxSteps && !done; step++) {
    const outputs = [];
    for (const item of response.output) {
      if (item.type === 'message') console.log(`step ${step}: model: ${response.output_text}`);
      if (item.type !== 'computer_call') continue;
      const actions = item.actions?.length ? item.actions : [item.action];
      outputs.push(await tool.run(item));
      for (const action of actions) console.log(`step ${step}: ${JSON.stringify(action)}`);
    }
    if (outputs.length === 0) done = true;
    else
      response = await client.responses.create({
        ...request,
        previous_response_id: response.id,
        input: outputs,
      });
  }
  console.log(done ? 'done' : `stopped after ${maxSteps} steps`);
} catch (error) {
  console.error(`agent failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await computer.close();
}
