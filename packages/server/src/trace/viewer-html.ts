import type { TraceTimeline } from './trace-recorder.js';

/**
 * The trace viewer: one HTML file with the timeline inlined (browsers refuse `fetch` of local
 * files, so a trace opened from disk must carry its data), no scripts or styles from anywhere
 * else. A scrubbable timeline of the actions; for each, its before and after frames with the
 * pointer position drawn on them, and the call's JSON; the video, when recorded, follows the
 * selected action.
 */
export function traceViewerHtml(timeline: TraceTimeline): string {
  // `</script>` inside the data must not end the script element.
  const data = JSON.stringify(timeline).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Trace ${escapeHtml(timeline.started_at)}</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 320px 1fr; height: 100vh; }
  #list { overflow: auto; border-right: 1px solid #ccc; margin: 0; padding: 0; list-style: none; }
  #list li { padding: 6px 10px; border-bottom: 1px solid #eee; cursor: pointer; }
  #list li.selected { background: #dde8ff; }
  #list li.failed .name { color: #b00020; }
  .time { color: #666; font-size: 12px; margin-right: 6px; }
  main { overflow: auto; padding: 12px; }
  #scrub { width: 100%; }
  .frames { display: flex; gap: 12px; flex-wrap: wrap; }
  figure { margin: 0; position: relative; }
  figure img { max-width: 560px; border: 1px solid #ccc; display: block; }
  .marker { position: absolute; width: 14px; height: 14px; margin: -9px 0 0 -9px; border: 2px solid #e00; border-radius: 50%; pointer-events: none; }
  pre { background: #f6f6f6; padding: 8px; overflow: auto; max-height: 320px; }
  video { max-width: 560px; display: block; margin-top: 12px; }
</style>
</head>
<body>
<ol id="list"></ol>
<main>
  <input id="scrub" type="range" min="0" value="0" step="1" aria-label="action">
  <h2 id="title"></h2>
  <div class="frames">
    <figure id="before"><figcaption>before</figcaption><img alt="before"><div class="marker" hidden></div></figure>
    <figure id="after"><figcaption>after</figcaption><img alt="after"><div class="marker" hidden></div></figure>
  </div>
  <pre id="call"></pre>
  <video id="video" controls muted hidden></video>
</main>
<script>
const TRACE = ${data};
const list = document.getElementById('list');
const scrub = document.getElementById('scrub');
const video = document.getElementById('video');
if (TRACE.video) { video.src = TRACE.video; video.hidden = false; }
scrub.max = String(Math.max(0, TRACE.actions.length - 1));
TRACE.actions.forEach((action, i) => {
  const li = document.createElement('li');
  li.dataset.index = String(i);
  if (!action.success) li.classList.add('failed');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = (action.started_ms / 1000).toFixed(2) + ' s';
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = action.command;
  li.append(time, name);
  li.addEventListener('click', () => select(i));
  list.append(li);
});
function showFrame(id, file, point) {
  const figure = document.getElementById(id);
  const img = figure.querySelector('img');
  const marker = figure.querySelector('.marker');
  figure.hidden = !file;
  if (!file) return;
  img.src = file;
  marker.hidden = !point;
  if (!point) return;
  const place = () => {
    const scale = img.clientWidth / (img.naturalWidth || 1) * (TRACE.screenshot_scale || 1);
    marker.style.left = point.x * scale + 'px';
    marker.style.top = (point.y * scale + figure.querySelector('figcaption').offsetHeight) + 'px';
  };
  if (img.complete && img.naturalWidth) place(); else img.onload = place;
}
function select(i) {
  const action = TRACE.actions[i];
  if (!action) return;
  scrub.value = String(i);
  for (const li of list.children) li.classList.toggle('selected', li.dataset.index === String(i));
  document.getElementById('title').textContent = action.command + (action.success ? '' : ' (failed)');
  showFrame('before', action.before, action.point);
  showFrame('after', action.after, action.point);
  document.getElementById('call').textContent = JSON.stringify(
    { params: action.params, duration_ms: action.duration_ms, reply: action.reply }, null, 2);
  if (TRACE.video && Number.isFinite(action.started_ms)) video.currentTime = action.started_ms / 1000;
}
scrub.addEventListener('input', () => select(Number(scrub.value)));
select(0);
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}
