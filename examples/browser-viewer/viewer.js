// The viewer page: the target's screen live (frames the server sends when the screen changes);
// a click on the picture clicks the same spot on the target; the text box types on it; "Take
// control" pauses every other client's input (the agent's) while a person drives. serve.mjs
// bundles this file for the browser.
import { Computer } from '@cua/computer-client';

const $ = (id) => document.getElementById(id);
const screen = $('screen');
const status = (text) => ($('status').textContent = text);

// Small JPEGs keep the stream light; the click mapping below undoes the scaling.
const FRAMES = { format: 'jpeg', quality: 70, maxWidth: 1280, fps: 15 };

let computer;
let session = 0;
let connected = '';
// The scale of the frame on screen (image pixels per screen pixel), for mapping clicks.
let shownScale = 1;

$('server').value = new URLSearchParams(location.search).get('server') ?? 'ws://127.0.0.1:8000/ws';

$('connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void connect($('server').value.trim());
});

async function connect(url) {
  const mine = ++session;
  await computer?.close();
  computer = new Computer({ url });
  status(`Connecting to ${url}…`);
  let screenWidth;
  try {
    const { package: version } = await computer.version();
    const { width, height } = await computer.getScreenSize();
    screenWidth = width;
    connected = `Connected to ${version}, screen ${width}x${height}.`;
    status(connected);
  } catch (error) {
    // A refused origin looks like a closed socket: say what usually causes it.
    status(
      `Could not connect to ${url}: ${error.message}. Is the server running with ` +
        `--allow-origin ${location.origin}?`,
    );
    if (mine === session) {
      await computer.close();
      computer = undefined;
    }
    return;
  }
  $('control').checked = false;
  // Frames come while this connection stays open; a new connect() closes it, which ends them.
  let showing = Promise.resolve();
  computer
    .subscribeFrames({
      ...FRAMES,
      onFrame: (frame) => {
        // One decode at a time: a frame that arrives meanwhile waits its turn.
        showing = showing.then(() =>
          mine === session ? show(frame, frame.width / screenWidth) : undefined,
        );
      },
    })
    .catch((error) => {
      if (mine === session) status(`The frame stream ended: ${error.message}`);
    });
}

/** Shows one frame and frees the previous one (each object URL holds its image in memory). */
async function show(shot, scale) {
  const next = URL.createObjectURL(new Blob([shot.data], { type: `image/${shot.format}` }));
  const previous = screen.getAttribute('src');
  screen.src = next;
  try {
    await screen.decode();
  } catch {
    // A newer frame replaced this one before it was decoded; nothing to do.
  }
  shownScale = scale;
  screen.dataset.frames = String(Number(screen.dataset.frames ?? 0) + 1);
  if (previous) URL.revokeObjectURL(previous);
}

screen.addEventListener('click', async (event) => {
  if (!computer) return;
  // Page pixels → image pixels (CSS may show the image smaller or larger than it is) → screen
  // pixels (the server shrank the screenshot by `scale`).
  // clientLeft/Top and clientWidth/Height leave the border out.
  const box = screen.getBoundingClientRect();
  const imageX =
    ((event.clientX - box.left - screen.clientLeft) * screen.naturalWidth) / screen.clientWidth;
  const imageY =
    ((event.clientY - box.top - screen.clientTop) * screen.naturalHeight) / screen.clientHeight;
  const x = Math.round(imageX / shownScale);
  const y = Math.round(imageY / shownScale);
  try {
    await computer.leftClick(x, y);
    status(`Clicked at ${x},${y}.`);
  } catch (error) {
    status(`Click failed: ${error.message}`);
  }
});

$('type-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!computer) return;
  const text = $('text').value;
  try {
    await computer.typeText(text);
    status(`Typed ${JSON.stringify(text)}.`);
    $('text').value = '';
  } catch (error) {
    status(`Typing failed: ${error.message}`);
  }
});

// Take control: the server refuses other clients' input (code "paused") until released.
$('control').addEventListener('change', async () => {
  if (!computer) return;
  const take = $('control').checked;
  try {
    if (take) await computer.takeControl();
    else await computer.releaseControl();
    status(take ? 'You have control: the agent is paused.' : 'Control handed back to the agent.');
  } catch (error) {
    $('control').checked = !take;
    status(`Could not ${take ? 'take' : 'release'} control: ${error.message}`);
  }
});

// Connect straight away when the page was opened with ?server=…
if (new URLSearchParams(location.search).has('server')) void connect($('server').value);
