// The shape of a computer-use agent: look, decide (your model), act (click, type), until the
// model says it is done. Each action carries `observe`: the server waits until the screen has
// stopped changing and answers with the screenshot, so one round trip per step and no sleeps.
//
//   node examples/agent-loop/agent-loop.mjs ["the goal"]
//
// CUA_URL: the server (default ws://127.0.0.1:8000/ws). CUA_MAX_STEPS: give up after this many
// steps (default 10). CUA_MAX_WIDTH: screenshot width sent to the model (default 1024).
// CUA_TEXT: what the stand-in model types after its click (default: nothing).
import { Computer } from '@cua/computer-client';
import { decodePng, largestPlainArea } from './stand-in.mjs';

const url = process.env.CUA_URL || 'ws://127.0.0.1:8000/ws';
const goal = process.argv[2] ?? 'Click into the empty window and type the text I gave you';
const maxSteps = Number(process.env.CUA_MAX_STEPS ?? 10);
const maxWidth = Number(process.env.CUA_MAX_WIDTH ?? 1024);

// ═══════════════════════════════════════════════════════════════════════════════════════════════
//  FILL IN YOUR MODEL CALL HERE
// ═══════════════════════════════════════════════════════════════════════════════════════════════
/**
 * Shows the model the screenshot and the goal, and turns its answer into one action:
 *   { type: 'click', x, y }  x, y in the SCREENSHOT's pixels, exactly what the model saw
 *   { type: 'type', text }   type text into the focused window
 *   { type: 'key', key }     press one key ('enter', 'tab', 'escape', ...)
 *   { type: 'done', reason } the goal is reached (or cannot be)
 * `image` is a PNG (Uint8Array) of `width` x `height`; `history` lists the earlier actions.
 */
async function decide({ image, width, height, goal, history }) {
  // Replace everything below with a call to your model, e.g. send the PNG as base64 with the
  // goal and history, ask for one JSON action back, and return it.

  // Stand-in, so the example runs without a model: click the middle of the biggest plain area
  // that is not the desktop background, then type CUA_TEXT (if set), then stop.
  if (!history.some((action) => action.type === 'click')) {
    const area = largestPlainArea(decodePng(image));
    if (!area) return { type: 'done', reason: 'nothing on the screen to click' };
    return {
      type: 'click',
      x: area.x + Math.floor(area.width / 2),
      y: area.y + Math.floor(area.height / 2),
      why: `middle of a ${area.width}x${area.height} ${area.color} area (image ${width}x${height})`,
    };
  }
  const text = process.env.CUA_TEXT;
  if (text && !history.some((action) => action.type === 'type')) return { type: 'type', text };
  return { type: 'done', reason: 'clicked, and typed if there was text' };
}
// ═══════════════════════════════════════════════════════════════════════════════════════════════

/**
 * Carries out one action and returns a line for the log and the next look: the screenshot the
 * server took once the screen settled after the action.
 */
async function act(computer, action, observe) {
  switch (action.type) {
    case 'click': {
      // The model pointed in screenshot pixels. The server converts them with this connection's
      // last screenshot (its scale, and its region if it had one), so the click lands there.
      const [x, y] = (await computer.toScreenCoordinates(action.x, action.y)).map(Math.round);
      const { observation } = await computer.leftClick(x, y, { observe });
      const what = `click (${action.x}, ${action.y}) in the screenshot = (${x}, ${y}) on the screen`;
      return { what, observation };
    }
    case 'type': {
      const { observation } = await computer.typeText(action.text, { observe });
      return { what: `type ${JSON.stringify(action.text)}`, observation };
    }
    case 'key': {
      const { observation } = await computer.pressKey(action.key, { observe });
      return { what: `key ${action.key}`, observation };
    }
    default:
      throw new Error(`the model asked for an unknown action: ${JSON.stringify(action)}`);
  }
}

const computer = new Computer({ url });
try {
  console.log(`goal: ${goal}`);
  const history = [];
  // Scaled server-side: fewer bytes and model tokens; `scale` is image pixels per screen pixel.
  // The wait ends once the screen has not changed for 100 ms (at most 3 s by default).
  const observe = { maxWidth };
  // The first look, after whatever was already happening on the screen has settled.
  let shot = await computer.observe(observe);
  let finished = false;
  for (let step = 1; step <= maxSteps && !finished; step++) {
    const action = await decide({
      image: shot.data,
      width: shot.width,
      height: shot.height,
      goal,
      history,
    });
    const seen = `screenshot ${shot.width}x${shot.height}, scale ${shot.scale ?? 1}`;
    if (action.type === 'done') {
      console.log(`step ${step}: ${seen}: done: ${action.reason}`);
      finished = true;
    } else {
      const { what, observation } = await act(computer, action, observe);
      const settled = observation.settled ? '' : ' (the screen was still changing)';
      console.log(
        `step ${step}: ${seen}: ${what}${action.why ? ` (${action.why})` : ''}${settled}`,
      );
      history.push(action);
      shot = observation;
    }
  }
  if (!finished) console.log(`stopped after ${maxSteps} steps without reaching the goal`);
} catch (error) {
  console.error(`agent loop failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await computer.close();
}
