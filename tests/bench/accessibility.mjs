// Accessibility bench: how long the focused-window tree of real apps takes to read over AT-SPI,
// and how many nodes it holds. Apps are started through the server's own `launch`, so they get
// the environment (session bus, toolkit switches) the server gives the apps it launches.
//
// run.mjs calls benchAccessibility({ display, url, record }), record(name, value, unit, target)
// with target a string or undefined; run alone for a quick look:
//   node tests/bench/accessibility.mjs
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '@cua/computer-server';
import { BenchClient as Client } from './bench-client.mjs';

const RUNS = 15;
const TARGET = '< 100 ms for a few hundred nodes';

/** A page of a few hundred nodes, like a real form or list page. */
function formPage(items) {
  const rows = Array.from(
    { length: items },
    (_, i) =>
      `<li><a href="#r${i}">Item ${i}</a> <button>Edit ${i}</button> <input aria-label="Note ${i}"></li>`,
  ).join('\n');
  return `<!doctype html><html><head><title>Bench Page ${items}</title></head>
<body><h1>Orders</h1><nav><a href="#a">Home</a> <a href="#b">Help</a></nav><ul>${rows}</ul></body></html>`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const p50 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
};

function activeTitle(display) {
  const run = spawnSync('xdotool', ['getactivewindow', 'getwindowname'], {
    env: { ...process.env, DISPLAY: display },
    encoding: 'utf8',
  });
  return run.stdout.trim();
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The focused window's tree, RUNS times after a warm-up: server-side time, wall time, nodes. */
async function measure(client, params = {}) {
  const walls = [];
  const server = [];
  let last;
  await client.call('get_accessibility_tree', params);
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    last = await client.call('get_accessibility_tree', params);
    walls.push(performance.now() - started);
    server.push(last.elapsed_ms ?? NaN);
  }
  return { wall: p50(walls), server: p50(server), last };
}

/**
 * The focused window's tree read RUNS times, visible nodes then all of them, recorded as
 * `a11y: <app> ...`; `hidden` says which nodes only the second read holds.
 */
async function recordTrees(client, record, app, hidden) {
  const visible = await measure(client);
  record(`a11y: ${app} focused-window tree p50`, visible.server, 'ms', TARGET);
  record(`a11y: ${app} tree, wall p50 (with JSON + text)`, visible.wall, 'ms');
  record(`a11y: ${app} nodes (visible)`, visible.last.node_count, 'nodes');
  const all = await measure(client, { visible_only: false, format: 'json' });
  record(`a11y: ${app} all nodes, p50`, all.server, 'ms');
  record(`a11y: ${app} nodes (all, ${hidden} too)`, all.last.node_count, 'nodes');
}

/** Waits until the bench page's first button is on the bus. */
function pageOnBus(client, timeoutMs, what) {
  return waitFor(
    async () =>
      (await client.call('find_element', { role: 'button', title: 'Edit 0' })).success === true,
    timeoutMs,
    what,
  );
}

async function launched(client, display, app, args, titlePart) {
  const reply = await client.call('launch', { app, args });
  if (!reply.success) throw new Error(`launch ${app}: ${reply.error}`);
  await waitFor(() => activeTitle(display).includes(titlePart), 30_000, `${titlePart} focused`);
  return reply.pid;
}

function kill(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

export async function benchAccessibility({ display, url, record }) {
  const client = await Client.open(url);
  const dir = mkdtempSync(join(tmpdir(), 'cua-bench-a11y-'));
  const pids = [];
  try {
    // Switches accessibility on (Chromium reads it at start-up) and warms the bus.
    const first = await client.call('get_accessibility_tree', { scope: 'all' });
    if (!first.success) {
      record('a11y: AT-SPI', `unavailable: ${first.error}`, '');
      return;
    }

    // A real GTK 3 app: Debian's widget factory, a few hundred widgets in its window.
    pids.push(await launched(client, display, 'gtk3-widget-factory', [], 'widget-factory'));
    await waitFor(
      async () => {
        const reply = await client.call('get_accessibility_tree');
        return (reply.node_count ?? 0) > 50;
      },
      20_000,
      'the widget factory on the bus',
    );
    await recordTrees(client, record, 'GTK widget factory', 'hidden pages');
    const find = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await client.call('find_element', { role: 'button' });
      find.push(performance.now() - started);
    }
    record('a11y: find_element role=button (GTK), wall p50', p50(find), 'ms');
    kill(pids.pop());

    // Chromium with a local page of a few hundred nodes.
    const page = join(dir, 'page.html');
    writeFileSync(page, formPage(60));
    const chromiumArgs = (file) => [
      '--force-renderer-accessibility',
      ...CHROMIUM_ARGS,
      '--password-store=basic',
      `--user-data-dir=${join(dir, `profile-${pids.length}-${Date.now()}`)}`,
      '--window-position=0,0',
      '--window-size=1200,780',
      `file://${file}`,
    ];
    pids.push(
      await launched(client, display, '/usr/bin/chromium', chromiumArgs(page), 'Bench Page'),
    );
    await pageOnBus(client, 30_000, 'the Chromium page on the bus');
    await recordTrees(client, record, 'Chromium page', 'scrolled-out');
    kill(pids.pop());

    // A huge page: the caps keep every read bounded.
    const huge = join(dir, 'huge.html');
    writeFileSync(huge, formPage(3000));
    pids.push(
      await launched(client, display, '/usr/bin/chromium', chromiumArgs(huge), 'Bench Page'),
    );
    await pageOnBus(client, 60_000, 'the huge page on the bus');
    const capped = await measure(client, {
      visible_only: false,
      format: 'json',
      max_nodes: 2000,
      timeout_ms: 1000,
    });
    record(
      'a11y: huge page (12000+ nodes), capped read p50',
      capped.server,
      'ms',
      'bounded (max_nodes 2000, timeout_ms 1000)',
    );
    record(
      'a11y: huge page nodes read / why stopped',
      `${capped.last.node_count} / ${capped.last.truncated ?? 'complete'}`,
      '',
    );
  } finally {
    for (const pid of pids) kill(pid);
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Alone: a display and a server of its own, rows printed as they come.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { startVirtualDisplay } = await import('@cua/computer-server');
  const cli = new URL('../../packages/server/dist/cli.js', import.meta.url).pathname;
  const display = await startVirtualDisplay({ width: 1280, height: 800 });
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--auth', 'none', '--display', display.display, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (ws:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  try {
    await benchAccessibility({
      display: display.display,
      url,
      record: (name, value, unit, target) =>
        console.log(`${name}: ${value} ${unit}${target ? `   (target ${target})` : ''}`),
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await display.stop();
  }
}
