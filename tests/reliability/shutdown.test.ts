import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isCleanFailure,
  killAllClis,
  Rng,
  SEED_NOTE,
  sleep,
  startCliServer,
  WireClient,
  type Reply,
} from './helpers.js';

const CLIENTS = 4;
const SLOW_COMMAND = 'sleep 0.3; echo x';

let scratch: string;
let small: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-shutdown-'));
  small = path.join(scratch, 'small.txt');
  await writeFile(small, 'hello\n');
});

afterAll(async () => {
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

interface Sent {
  frame: { command: string; params?: Record<string, unknown>; id?: number };
  sentAt: number;
}

/** Pairs each reply with its request: ids by id, the rest in order. */
function pair(sent: Sent[], replies: Reply[]): Map<Sent, Reply> {
  const byId = new Map(sent.filter((s) => s.frame.id !== undefined).map((s) => [s.frame.id, s]));
  const inOrder = sent.filter((s) => s.frame.id === undefined);
  const out = new Map<Sent, Reply>();
  for (const reply of replies) {
    const request = 'id' in reply ? byId.get(reply.id as number) : inOrder.shift();
    if (!request) throw new Error(`a reply no request asked for: ${JSON.stringify(reply)}`);
    if (out.has(request)) throw new Error(`two replies for one request: ${JSON.stringify(reply)}`);
    out.set(request, reply);
  }
  return out;
}

describe('SIGTERM during traffic', () => {
  it('answers what was asked before the signal, closes with 1001, exits 0', async () => {
    const rng = Rng.forTest('shutdown');
    const cli = await startCliServer();
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => WireClient.open(cli.url)),
    );
    const sent: Sent[][] = clients.map(() => []);
    let stopSending = false;
    let nextId = 1;

    const traffic = clients.map(async (client, c) => {
      while (!stopSending && client.open) {
        const r = rng.next();
        const frame: Sent['frame'] =
          r < 0.45
            ? { command: 'version' }
            : r < 0.57
              ? // Few enough that the ones queued without id drain well within the 5 s grace.
                { command: 'run_command', params: { command: SLOW_COMMAND } }
              : r < 0.8
                ? { command: 'read_text', params: { path: small } }
                : { command: 'get_file_size', params: { path: small } };
        if (rng.chance(0.5)) frame.id = nextId++;
        client.send(frame);
        sent[c]!.push({ frame, sentAt: Date.now() });
        await sleep(rng.int(5, 20));
      }
    });

    // An HTTP request in flight at the signal must be answered too.
    const httpReply = fetch(`${cli.httpUrl}/cmd`, {
      method: 'POST',
      body: JSON.stringify({ command: 'run_command', params: { command: SLOW_COMMAND } }),
    }).then(async (res) => ({ status: res.status, text: await res.text() }));

    await sleep(400);
    // A slow command surely in flight at the signal, so shutdown has something to drain.
    clients[0]!.send({ command: 'run_command', params: { command: SLOW_COMMAND }, id: 0 });
    sent[0]!.push({
      frame: { command: 'run_command', params: { command: SLOW_COMMAND }, id: 0 },
      sentAt: Date.now(),
    });
    await sleep(20);
    const signalAt = Date.now();
    cli.child.kill('SIGTERM');
    // Clients go on sending for a while, as real ones would not know yet.
    await sleep(200);
    stopSending = true;
    await Promise.all(traffic);

    const exit = await Promise.race([cli.exited, sleep(8000).then(() => undefined)]);
    const exitMs = Date.now() - signalAt;
    expect(exit, `the CLI did not exit within 8 s: ${cli.output().stderr.slice(-1000)}`).toEqual({
      code: 0,
      signal: null,
    });
    expect(exitMs).toBeLessThan(6000);

    const http = await httpReply;
    expect(http.status).toBe(200);
    expect(JSON.parse(http.text.replace(/^data: /, '')), http.text).toMatchObject({
      success: true,
      stdout: 'x\n',
    });

    for (const [c, client] of clients.entries()) {
      await client.until(() => client.closeCode !== undefined, 3000, `client ${c} to be closed`);
      expect(client.closeCode, `client ${c}`).toBe(1001);
      const replies = pair(sent[c]!, client.replies);
      const before = sent[c]!.filter((s) => s.sentAt < signalAt);
      const after = sent[c]!.filter((s) => s.sentAt >= signalAt);
      expect(before.length).toBeGreaterThan(0);
      for (const request of before) {
        const reply = replies.get(request);
        const frame = JSON.stringify(request.frame);
        const what = `client ${c}: ${frame} → ${JSON.stringify(reply)} ${SEED_NOTE}`;
        expect(reply, what).toBeDefined();
        expect(reply!.success === true || isCleanFailure(reply!), what).toBe(true);
        if (request.frame.command === 'run_command')
          expect(reply, what).toMatchObject({ success: true, stdout: 'x\n' });
      }
      // Late requests may go unanswered (the socket then closes with 1001), never half-answered.
      for (const request of after) {
        const reply = replies.get(request);
        if (reply)
          expect(reply.success === true || isCleanFailure(reply), JSON.stringify(reply)).toBe(true);
      }
    }
  }, 30_000);
});
