// The viewer page: live screenshots of the target; a click on the picture clicks the same spot
// on the target; the text box types on it. serve.mjs bundles this file for the browser.
import { Computer } from '@cua/computer-client';

const $ = (id) => document.getElementById(id);
const screen = $('screen');
const status = (text) => ($('status').textContent = text);

// Small JPEGs keep the refresh quick; the click mapping below undoes the scaling.
const FRAME = { format: 'jpeg', quality: 70, maxWidth: 1280 };
const PAUSE_MS = 100;

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
  try {
    const { package: version } = await computer.version();
    const { width, height } = await computer.getScreenSize();
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
  // Refresh for as long as this connection is the current one.
  let failing = false;
  while (mine === session) {
    try {
      const shot = await computer.screenshot(FRAME);
      if (mine !== session) break;
      await show(shot);
      if (failing) status(connected);
      failing = false;
    } catch (error) {
      if (mine !== session) break;
      failing = true;
      status(`Screenshot failed: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
}

/** Shows one frame and frees the previous one (each object URL holds its image in memory). */
async function show(shot) {
  const next = URL.createObjectURL(new Blob([shot.data], { type: `image/${shot.format}` }));
  const previous = screen.getAttribute('src');
  screen.src = next;
  try {
    await screen.decode();
  } catch {
    // A newer frame replaced this one before it was decoded; nothing to do.
  }
  shownScale = shot.scale ?? 1;
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

// Connect straight away when the page was opened with ?server=…
if (new URLSearchParams(location.search).has('server')) void connect($('server').value);
