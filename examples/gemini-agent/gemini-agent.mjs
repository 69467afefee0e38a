// A computer-use agent on Gemini: the model drives the computer through the computer-use
// tool's predefined actions until it answers without a function call.
//
//   GEMINI_API_KEY=… node examples/gemini-agent/gemini-agent.mjs "the goal"
//
// CUA_URL: the server (default ws://127.0.0.1:8000/ws). GEMINI_API_KEY and
// GOOGLE_GEMINI_BASE_URL: read by the SDK itself. CUA_MODEL (default
// gemini-2.5-computer-use-preview-10-2025), CUA_MAX_STEPS (default 20).
import { GoogleGenAI } from '@google/genai';
import { Computer } from '@cua/computer-client';
import { GeminiComputer } from '@cua/computer-client/gemini';

const goal = process.argv[2] ?? 'Open a terminal and type "hello"';
const model = process.env.CUA_MODEL || 'gemini-2.5-computer-use-preview-10-2025';
const maxSteps = Number(process.env.CUA_MAX_STEPS ?? 20);

const computer = new Computer({ url: process.env.CUA_URL || 'ws://127.0.0.1:8000/ws' });
try {
  const tool = await GeminiComputer.create(computer);
  const ai = new GoogleGenAI({});
  console.log(`goal: ${goal}`);
  const contents = [{ role: 'user', parts: [{ text: goal }, await tool.screenshot()] }];
  let done = false;
  for (let step = 1; step <= maxSteps && !done; step++) {
    const response = await ai.models.generateContent({
      model,
      contents,
      config: { tools: [tool.tool] },
    });
    const content = response.candidates[0].content;
    contents.push(content);
    const parts = [];
    for (const part of content.parts ?? []) {
      if (part.text) console.log(`step ${step}: model: ${part.text}`);
      if (!part.functionCall) continue;
      const answer = await tool.run(part.functionCall);
      const error = answer.functionResponse.response.error;
      const { name, args } = part.functionCall;
      console.log(
        `step ${step}: ${name} ${JSON.stringify(args)}${error ? ` → error: ${error}` : ''}`,
      );
      parts.push(answer);
    }
    if (parts.length === 0) done = true;
    else contents.push({ role: 'user', parts });
  }
  console.log(done ? 'done' : `stopped after ${maxSteps} steps`);
} catch (error) {
  console.error(`agent failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await computer.close();
}
