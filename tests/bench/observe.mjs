// Act-then-observe bench: the latency of one agent step (an action and the settled screenshot)
// on a static screen and on an app that repaints 300 ms after a key, a 5-action batch against
// the same actions as separate calls, and what 100 steps cost against the fixed-sleep loop.
//
// run.mjs calls benchObserve({ display, url, record }), record(name, value, unit,
// { floor, upstream, target }); run alone (starts its own Xvfb and server) for a quick look:
//   node tests/bench/observe.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BenchClient } from './bench-client.mjs';

const QUIET_MS = 100;
/** Above the app's 300 ms: a repaint is waited for only when it starts within quiet_ms. */
const DELAYED_QUIET_MS = 350;
const REPAINT_DELAY_MS = 300;
/** The Anthropic reference loop's sleep before every screenshot. */
const FIXED_SLEEP_MS = 2000;
const STATIC_RUNS = 30;
const DELAYED_RUNS = 12;
const BATCH_RUNS = 15;
const JPEG = { format: 'jpeg', quality: 80 };
const COLORS = ['#ff0000', '#0000ff', '#00c000', '#ffff00'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n) => Math.round(n * 10) / 10;
const p50 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)]);
};

async function timed(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn(i);
    times.push(performance.now() - started);
  }
  return times;
}

/** A raw xterm that answers each key 300 ms later by turning its whole background a colour. */
async function openDelayedRepaint(display) {
  const dir = mkdtempSync(join(tmpdir(), 'cua-bench-observe-'));
  const script = join(dir, 'app.py');
  const log = join(dir, 'log');
  writeFileSync(log, '');
  writeFileSync(
    script,
    [
      'import os, sys, time, tty',
      `colors = ${JSON.stringify(COLORS)}`,
      'log = open(sys.argv[1], "a", buffering=1)',
      'tty.setraw(0)',
      'os.write(1, b"\\x1b[?25l")',
      'log.write("ready\\n")',
      'i = 0',
      'while True:',
      '    if not os.read(0, 1): break',
      `    time.sleep(${REPAINT_DELAY_MS / 1000})`,
      '    os.write(1, ("\\x1b]11;%s\\x07\\x1b[2J" % colors[i % len(colors)]).encode())',
      '    i += 1',
    ].join('\n'),
  );
  const child = spawn(
    'xterm',
    [
      '-T',
      'bench-delayed',
      '-geometry',
      '60x15+150+150',
      '+bc',
      '-e',
      '/usr/bin/python3',
      script,
      log,
    ],
    { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' },
  );
  for (let i = 0; i < 200 && !readFileSync(log, 'utf8').includes('ready'); i++) await sleep(50);
  await sleep(300);
  return {
    // The middle of the terminal (60x15 cells of xterm's default font, at 150,150 plus frame).
    probe: { x: 150 + 150, y: 150 + 90 },
    close() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function colorAt(base64, x, y) {
  const { data, info } = await sharp(Buffer.from(base64, 'base64'))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at], data[at + 1], data[at + 2]];
}

const near = (rgb, hex) =>
  [1, 3, 5].every((i, k) => Math.abs(rgb[k] - parseInt(hex.slice(i, i + 2), 16)) < 48);

export async function benchObserve({ display, url, record }) {
  const client = await BenchClient.open(url);
  try {
    // Nothing under the pointer reacts to a click on the bare desktop: a static screen.
    await client.ok('move_cursor', { x: 1000, y: 700 });
    const shotTimes = await timed(STATIC_RUNS, () => client.ok('screenshot', JPEG));
    const staticSettled = [];
    const staticTimes = await timed(STATIC_RUNS, async () => {
      const reply = await client.ok('left_click', {
        x: 1000,
        y: 700,
        observe: { ...JPEG, quiet_ms: QUIET_MS },
      });
      staticSettled.push(reply.observation.settled && !reply.observation.changed);
    });
    const staticP50 = p50(staticTimes);
    record('observe: left_click + settled JPEG, static screen p50', staticP50, 'ms', {
      floor: round(QUIET_MS + p50(shotTimes)),
      target: `≤ ${QUIET_MS + 15} ms (quiet_ms + 15)`,
    });
    record(
      'observe: static screen seen settled and unchanged',
      `${staticSettled.filter(Boolean).length}/${STATIC_RUNS}`,
      '',
    );

    const app = await openDelayedRepaint(display);
    let delayedP50;
    try {
      let shown = 0;
      const delayedTimes = await timed(DELAYED_RUNS, async (i) => {
        const reply = await client.ok('press_key', {
          key: 'a',
          observe: { ...JPEG, quiet_ms: DELAYED_QUIET_MS },
        });
        const rgb = await colorAt(reply.observation.image_data, app.probe.x, app.probe.y);
        if (near(rgb, COLORS[i % COLORS.length])) shown += 1;
      });
      delayedP50 = p50(delayedTimes);
      record(
        `observe: key, app repaints ${REPAINT_DELAY_MS} ms later (quiet_ms ${DELAYED_QUIET_MS}) p50`,
        delayedP50,
        'ms',
        {
          floor: REPAINT_DELAY_MS + DELAYED_QUIET_MS,
          target: `≤ ${REPAINT_DELAY_MS + DELAYED_QUIET_MS + 30} ms (300 + quiet_ms + 30)`,
        },
      );
      record('observe: the image shows the late repaint', `${shown}/${DELAYED_RUNS}`, '', {
        target: 'all',
      });
    } finally {
      app.close();
      await sleep(300);
    }

    // Five actions on the bare desktop: one batch with observe, or five calls and a screenshot.
    await client.ok('move_cursor', { x: 1000, y: 700 });
    const actions = [
      { command: 'move_cursor', params: { x: 900, y: 600 } },
      { command: 'left_click', params: {} },
      { command: 'move_cursor', params: { x: 950, y: 650 } },
      { command: 'left_click', params: {} },
      { command: 'press_key', params: { key: 'shift' } },
    ];
    let before = client.roundTrips;
    const batchTimes = await timed(BATCH_RUNS, () =>
      client.ok('batch', { actions, observe: { ...JPEG, quiet_ms: QUIET_MS } }),
    );
    const batchTrips = (client.roundTrips - before) / BATCH_RUNS;
    before = client.roundTrips;
    const separateTimes = await timed(BATCH_RUNS, async () => {
      for (const { command, params } of actions) await client.ok(command, params);
      await client.ok('screenshot', JPEG);
    });
    const separateTrips = (client.roundTrips - before) / BATCH_RUNS;
    const plainBatchTimes = await timed(BATCH_RUNS, async () => {
      await client.ok('batch', { actions });
      await client.ok('screenshot', JPEG);
    });
    record('5 actions: batch + observe, wall time p50', p50(batchTimes), 'ms', {
      target: `${batchTrips} round trip; includes the ${QUIET_MS} ms settle`,
    });
    record('5 actions: 5 calls + screenshot, wall time p50', p50(separateTimes), 'ms', {
      target: `${separateTrips} round trips; no settle (the screenshot may be early)`,
    });
    record(
      '5 actions: batch (no observe) + screenshot, wall time p50',
      p50(plainBatchTimes),
      'ms',
      {
        target: '2 round trips; no settle',
      },
    );
    const rttMs = 50;
    record(
      `5 actions at ${rttMs} ms RTT (computed): batch + observe vs separate`,
      `${round(p50(batchTimes) + batchTrips * rttMs)} vs ${round(p50(separateTimes) + separateTrips * rttMs)}`,
      'ms',
    );

    // 100 agent steps: act with observe, or act, sleep 2 s, screenshot (a few steps measured).
    const sleepTimes = await timed(3, async () => {
      await client.ok('left_click', { x: 1000, y: 700 });
      await sleep(FIXED_SLEEP_MS);
      await client.ok('screenshot', JPEG);
    });
    const sleepLoopS = round((p50(sleepTimes) * 100) / 1000);
    record('100 steps, observe loop, static screen', round((staticP50 * 100) / 1000), 's', {
      upstream: sleepLoopS,
      target: `the ${FIXED_SLEEP_MS / 1000} s sleep loop in the upstream column`,
    });
    record('100 steps, observe loop, 300 ms late repaint', round((delayedP50 * 100) / 1000), 's', {
      upstream: sleepLoopS,
    });
  } finally {
    client.close();
  }
}

// Alone: our own display and server, rows printed as a table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { startVirtualDisplay, startComputerServer, createLogger } =
    await import('@cua/computer-server');
  const desktop = await startVirtualDisplay({ width: 1280, height: 800 });
  const server = await startComputerServer({
    host: '127.0.0.1',
    port: 0,
    auth: { mode: 'none' },
    env: {},
    logger: createLogger('silent'),
    display: desktop.display,
  });
  const rows = [];
  try {
    spawn('xsetroot', ['-solid', '#204060'], { env: { ...process.env, DISPLAY: desktop.display } });
    await sleep(300);
    await benchObserve({
      display: desktop.display,
      url: server.url,
      record: (name, value, unit, { floor, upstream, target } = {}) =>
        rows.push({ name, value: `${value} ${unit}`, floor, upstream, target }),
    });
    console.table(rows);
  } finally {
    await server.close();
    await desktop.stop();
  }
}
