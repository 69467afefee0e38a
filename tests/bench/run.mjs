// `pnpm bench`: starts the server on its own 1280x800 Xvfb desktop with a busy, photo-like
// wallpaper and measures latency, throughput, memory and size. Prints a table and writes
// .bench-results/report.json. Targets are printed beside the figures; nothing here asserts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDesktop, encodeFrame, startVirtualDisplay } from '@cua/computer-server';
import sharp from 'sharp';
import WebSocket from 'ws';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/server/dist/cli.js');
const report = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  results: {},
};
const rows = [];

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (n) => Math.round(n * 1000) / 1000;
function record(name, value, unit, target) {
  report.results[name] = { value, unit, ...(target ? { target } : {}) };
  rows.push([name, `${value} ${unit}`, target ?? '']);
}

/** A photo-like 1280x800 image: smooth gradients, shapes and fine noise, as real wallpapers have. */
async function busyWallpaper(path) {
  const width = 1280;
  const height = 800;
  const data = Buffer.alloc(width * height * 3);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const wave = Math.sin(x / 37) * Math.cos(y / 23) * 40;
      const ring = Math.sin(Math.hypot(x - 640, y - 400) / 11) * 30;
      const noise = (random() - 0.5) * 16;
      data[i] = Math.max(0, Math.min(255, (x / width) * 200 + wave + noise));
      data[i + 1] = Math.max(0, Math.min(255, (y / height) * 180 + ring + noise));
      data[i + 2] = Math.max(0, Math.min(255, 120 + wave - ring + noise));
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

function rssKb(pid) {
  let total = 0;
  const pids = [
    pid,
    ...spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number),
  ];
  for (const p of pids) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]);
    } catch {
      // gone
    }
  }
  return total;
}

class Client {
  static async open(url) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Client(ws);
  }
  constructor(ws) {
    this.ws = ws;
    this.waiting = [];
    this.byId = new Map();
    ws.on('message', (data) => {
      const reply = JSON.parse(data.toString());
      if (reply.id !== undefined) {
        this.byId.get(reply.id)?.(reply);
        this.byId.delete(reply.id);
      } else this.waiting.shift()?.(reply);
    });
  }
  call(command, params = {}) {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.ws.send(JSON.stringify({ command, params }));
    });
  }
  callWithId(id, command, params = {}) {
    return new Promise((resolve) => {
      this.byId.set(id, resolve);
      this.ws.send(JSON.stringify({ command, params, id }));
    });
  }
  async timed(n, command, params) {
    const times = [];
    let last;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      last = await this.call(command, params);
      times.push(performance.now() - t);
      if (!last.success) throw new Error(`${command}: ${last.error}`);
    }
    return { times, last };
  }
  close() {
    this.ws.close();
  }
}

const display = await startVirtualDisplay({ width: 1280, height: 800 });
const wallpaper = join(tmpdir(), 'cua-bench-wallpaper.png');
await busyWallpaper(wallpaper);
spawnSync('xwallpaper', ['--zoom', wallpaper], {
  env: { ...process.env, DISPLAY: display.display },
});

const started = performance.now();
const server = spawn(
  process.execPath,
  [CLI, '--port', '0', '--auth', 'none', '--display', display.display, '--log-level', 'warn'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (ws:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
});
record('start-up to listening', ms(performance.now() - started), 'ms');
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(server.pid))), 50);

try {
  const a = await Client.open(url);
  await a.timed(200, 'version');
  record('RSS idle (server + worker)', Math.round(rssKb(server.pid) / 1024), 'MB', '≤ 100 MB [72]');

  let { times } = await a.timed(3000, 'version');
  record('version p50 (serial)', ms(quantile(times, 0.5)), 'ms', '≤ 0.2 ms [0.27]');
  record('version p95 (serial)', ms(quantile(times, 0.95)), 'ms');
  record(
    'version serial calls/s',
    Math.round(1000 / (times.reduce((s, t) => s + t, 0) / times.length)),
    '/s',
  );

  let t = performance.now();
  await Promise.all(Array.from({ length: 10_000 }, (_, i) => a.callWithId(i, 'version')));
  record(
    'version pipelined with ids (10k)',
    Math.round(10_000 / ((performance.now() - t) / 1000)),
    'calls/s',
    '≥ 20,000/s [3,300]',
  );

  const four = await Promise.all([1, 2, 3, 4].map(() => Client.open(url)));
  t = performance.now();
  await Promise.all(four.map((c) => c.timed(2500, 'version')));
  record(
    '4 connections in parallel (serial each)',
    Math.round(10_000 / ((performance.now() - t) / 1000)),
    'calls/s',
    '≥ 11,000/s [5,500]',
  );
  for (const c of four) c.close();

  await a.timed(3, 'screenshot');
  for (const [label, params, target] of [
    ['screenshot png', {}, '≤ 50 ms, ≤ 650 KB [206 ms, 522 KB]'],
    ['screenshot jpeg q80', { format: 'jpeg', quality: 80 }, '≤ 10 ms [12.4 ms]'],
  ]) {
    const run = await a.timed(30, 'screenshot', params);
    record(`${label} p50`, ms(quantile(run.times, 0.5)), 'ms', target);
    record(`${label} p95`, ms(quantile(run.times, 0.95)), 'ms');
    record(
      `${label} bytes`,
      Math.round((Buffer.from(run.last.image_data, 'base64').length / 1024) * 10) / 10,
      'KB',
    );
  }

  ({ times } = await a.timed(500, 'get_screen_size'));
  record('get_screen_size p50', ms(quantile(times, 0.5)), 'ms', '≤ 1 ms [6.5]');
  ({ times } = await a.timed(500, 'move_cursor', { x: 200, y: 300 }));
  record('move_cursor p50', ms(quantile(times, 0.5)), 'ms', '≤ 0.3 ms [0.37]');
  ({ times } = await a.timed(50, 'run_command', { command: 'echo hi' }));
  record('run_command "echo hi" p50', ms(quantile(times, 0.5)), 'ms');

  // Head-of-line blocking across connections: version on b while a takes screenshots.
  const b = await Client.open(url);
  let shooting = true;
  const shots = (async () => {
    while (shooting) await a.call('screenshot');
  })();
  await new Promise((resolve) => setTimeout(resolve, 100));
  ({ times } = await b.timed(300, 'version'));
  shooting = false;
  await shots;
  record('version p50 while screenshots run', ms(quantile(times, 0.5)), 'ms');
  record('version p95 while screenshots run', ms(quantile(times, 0.95)), 'ms', '≤ 5 ms [218]');
  b.close();
  a.close();
  record('RSS peak (server + worker)', Math.round(peakRss / 1024), 'MB');

  // type_text into a raw xterm: chars/s until every byte arrived, and whether they are exact.
  const typer = await Client.open(url);
  for (const [label, text] of [
    ['ASCII', 'The quick brown fox jumps over the lazy dog 0123456789. '.repeat(36)],
    ['mixed Unicode', 'Grüße, café — naïve façade! 世界 ✓ @#$%^&*() '.repeat(20)],
  ]) {
    const file = join(tmpdir(), `cua-bench-typed-${Date.now()}.bin`);
    const title = `bench-typing-${Date.now()}`;
    const env = { ...process.env, DISPLAY: display.display, LC_ALL: 'C.UTF-8' };
    const term = spawn(
      'xterm',
      ['-T', title, '-e', 'sh', '-c', `stty raw -echo; exec cat > ${file}`],
      { env, stdio: 'ignore' },
    );
    let windowId = '';
    for (let i = 0; i < 200 && !windowId; i++) {
      windowId = spawnSync('xdotool', ['search', '--name', `^${title}$`], {
        env,
        encoding: 'utf8',
      }).stdout.trim();
      if (!windowId) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    spawnSync('xdotool', ['windowactivate', '--sync', windowId], { env });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const expected = Buffer.from(text);
    t = performance.now();
    await typer.call('type_text', { text });
    let got = Buffer.alloc(0);
    while (got.length < expected.length && performance.now() - t < 60_000) {
      try {
        got = readFileSync(file);
      } catch {
        // not created yet
      }
      if (got.length < expected.length) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - t) / 1000;
    record(
      `type_text ${label} (${[...text].length} chars)`,
      Math.round([...text].length / seconds),
      'chars/s',
    );
    record(
      `type_text ${label} exact`,
      got.equals(expected) ? 'yes' : 'NO',
      '',
      'exact [loses characters]',
    );
    term.kill('SIGKILL');
  }
  typer.close();

  // The floor, in-process: raw grab through the worker, then the encoder alone.
  const desktop = createDesktop({ display: display.display });
  await desktop.grab();
  const grabs = [];
  let frame;
  for (let i = 0; i < 30; i++) {
    t = performance.now();
    frame = await desktop.grab();
    grabs.push(performance.now() - t);
  }
  record('in-process grab p50 (worker IPC incl.)', ms(quantile(grabs, 0.5)), 'ms');
  for (const format of ['png', 'jpeg']) {
    const encodes = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      await encodeFrame(frame, { format, quality: 80, width: frame.width, height: frame.height });
      encodes.push(performance.now() - t);
    }
    record(`in-process encode ${format} p50`, ms(quantile(encodes, 0.5)), 'ms');
  }
  await desktop.close();
} finally {
  clearInterval(sampler);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await display.stop();
}

const bundle = spawnSync(
  join(ROOT, 'node_modules/.bin/esbuild'),
  [
    join(ROOT, 'packages/client/dist/index.js'),
    '--bundle',
    '--minify',
    '--format=esm',
    '--platform=browser',
  ],
  { maxBuffer: 64 * 1024 * 1024 },
);
if (bundle.status === 0) {
  record('client browser bundle (minified)', Math.round(bundle.stdout.length / 102.4) / 10, 'KB');
  record(
    'client browser bundle (gzip)',
    Math.round(gzipSync(bundle.stdout).length / 102.4) / 10,
    'KB',
  );
}

mkdirSync(join(ROOT, '.bench-results'), { recursive: true });
writeFileSync(join(ROOT, '.bench-results/report.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\n${'metric'.padEnd(width)}  ${'value'.padStart(14)}  target [reference server]`);
for (const [name, value, target] of rows)
  console.log(`${name.padEnd(width)}  ${value.padStart(14)}  ${target}`);
