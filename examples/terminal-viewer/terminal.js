// The terminal page: a shell on the server's machine in an xterm.js terminal. Keystrokes go to
// the session with computer.pty.write, its output comes from computer.pty.attach, and the
// terminal's size follows the window. serve.mjs bundles this file for the browser.
import { Computer } from '@cua/computer-client';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';

const $ = (id) => document.getElementById(id);
const status = (text) => ($('status').textContent = text);
const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:8000';

const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000 });
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();

const computer = new Computer({ url: server });
// Exposed for the page's test: the session and the terminal.
window.__terminal = { term, pid: undefined, exitCode: undefined };

async function start() {
  let session;
  try {
    session = await computer.pty.create({ cols: term.cols, rows: term.rows });
  } catch (error) {
    status(
      `Could not start a terminal on ${server}: ${error.message}. Is the server running with ` +
        `--allow-origin ${location.origin}?`,
    );
    return;
  }
  const { pid } = session;
  window.__terminal.pid = pid;
  status(`Shell ${pid} on ${server}`);

  // One write at a time, so keystrokes arrive in the order they were typed.
  let writes = Promise.resolve();
  term.onData((data) => {
    writes = writes
      .then(() => computer.pty.write(pid, data))
      .catch((error) => {
        status(`Write failed: ${error.message}`);
      });
  });
  term.onResize(({ cols, rows }) => void computer.pty.resize(pid, cols, rows).catch(() => {}));
  addEventListener('resize', () => fit.fit());
  term.focus();

  // The output, starting with what the shell printed before we attached (the scrollback).
  for await (const event of computer.pty.attach(pid)) {
    if (event.type === 'output') term.write(event.data);
    else {
      window.__terminal.exitCode = event.code;
      status(`Shell ${pid} exited with code ${event.code}.`);
    }
  }
}

void start();
