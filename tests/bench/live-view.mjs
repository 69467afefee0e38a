// Live view and recording figures for `pnpm bench` (called from run.mjs): frames per second
// while an xterm scrolls, change-to-frame latency, the server's CPU while a viewer watches a
// still screen, bytes per second, and the CPU a 15 fps recording costs.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBinaryReply } from '@cua/computer-protocol';
import WebSocket from 'ws';
import { childPids } from './proc.mjs';

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const round = (n, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/** CPU seconds (user + system) a process and its children have used so far. */
function cpuSeconds(pid) {
  const ticks = (p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  return [pid, ...childPids(pid)].reduce((sum, p) => sum + ticks(p), 0) / 100;
}

async function open(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** Sends `message` and resolves with the text reply whose id is `id`. */
function replyTo(ws, id, message) {
  return new Promise((resolve) => {
    const onReply = (data, isBinary) => {
      if (isBinary) return;
      const reply = JSON.parse(data.toString());
      if (reply.id === id) {
        ws.off('message', onReply);
        resolve(reply);
      }
    };
    ws.on('message', onReply);
    ws.send(JSON.stringify(message));
  });
}

/** Subscribes and collects frame events (binary), with their arrival times. */
function subscribe(ws, id, params) {
  const frames = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    const decoded = decodeBinaryReply(new Uint8Array(data));
    if (decoded?.reply.id !== id) return;
    frames.push({
      at: performance.now(),
      bytes: data.length,
      latencyMs: decoded.reply.latency_ms,
    });
  });
  ws.send(JSON.stringify({ id, command: 'subscribe_frames', params, binary: true }));
  return {
    frames,
    stop: () => replyTo(ws, id, { id: `${id}-stop`, command: 'unsubscribe_frames' }),
  };
}

export async function benchLiveView({ display, url, serverPid, record }) {
  const env = { ...process.env, DISPLAY: display };
  const ws = await open(url);
  try {
    // A still screen: the viewer costs the server (almost) nothing.
    const idle = subscribe(ws, 'idle', { format: 'jpeg', quality: 70, fps: 30 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cpuBefore = cpuSeconds(serverPid);
    const framesBefore = idle.frames.length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleCpu = (cpuSeconds(serverPid) - cpuBefore) / 3;
    record('live view, still screen: server CPU', round(idleCpu * 100), '% of a core', {
      target: '~0',
    });
    record('live view, still screen: frames in 3 s', idle.frames.length - framesBefore, 'frames', {
      target: '0',
    });
    await idle.stop();

    // A scrolling terminal: frames as fast as the cap allows, and how fresh they are.
    const term = spawn(
      'xterm',
      ['-geometry', '120x40+0+0', '-e', 'sh', '-c', 'while :; do seq 1 200; done'],
      { env, stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const busy = subscribe(ws, 'busy', { format: 'jpeg', quality: 70, fps: 30 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const start = busy.frames.length;
    const startAt = performance.now();
    const cpuStart = cpuSeconds(serverPid);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const seconds = (performance.now() - startAt) / 1000;
    const window = busy.frames.slice(start);
    record('live view, scrolling xterm: frames/s (cap 30)', round(window.length / seconds), 'fps');
    const latencies = window.map((f) => f.latencyMs);
    record('live view: change-to-frame latency p50', round(quantile(latencies, 0.5)), 'ms');
    record('live view: change-to-frame latency p95', round(quantile(latencies, 0.95)), 'ms');
    const bytes = window.reduce((sum, f) => sum + f.bytes, 0);
    record('live view: bytes/s (1280x800 JPEG q70)', Math.round(bytes / seconds / 1024), 'KB/s');
    record(
      'live view, scrolling xterm: server CPU',
      round(((cpuSeconds(serverPid) - cpuStart) / seconds) * 100),
      '% of a core',
    );
    await busy.stop();

    // A recording of the same scrolling screen: what ffmpeg and the frame feed cost.
    const path = join(tmpdir(), `cua-bench-${process.pid}.mp4`);
    const call = (id, command, params) => replyTo(ws, id, { id, command, params });
    await call('rec', 'start_recording', { path, fps: 15 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const recCpuStart = cpuSeconds(serverPid);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const recCpu = (cpuSeconds(serverPid) - recCpuStart) / 4;
    const summary = await call('rec-stop', 'stop_recording', {});
    term.kill('SIGKILL');
    record(
      'recording 1280x800 at 15 fps (scrolling xterm): CPU',
      round(recCpu * 100),
      '% of a core',
    );
    if (summary.success) {
      record(
        'recording: disk per minute (scrolling xterm)',
        round(((summary.bytes / summary.duration_s) * 60) / 1024 / 1024),
        'MB/min',
      );
      record('recording: late frames (held the frame before)', summary.late_frames, 'frames');
    }
    rmSync(path, { force: true });
  } finally {
    ws.close();
  }
}
