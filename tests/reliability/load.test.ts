import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlersWith, startServer } from '../helpers/server.js';
import { Rng, SEED_NOTE, sleep, WireClient, type Reply } from './helpers.js';

const CLIENTS = 50;
const REQUESTS = 200;

let server: RunningServer;
let handled = 0;

beforeAll(async () => {
  const jitter = Rng.forTest('load handler jitter');
  // The nonce travels in x/y and comes back in `coordinates`: a reply handed to the wrong
  // request (or connection) shows. A random delay makes requests with ids finish out of order.
  server = await startServer({
    handlers: handlersWith({
      to_screen_coordinates: async ({ x, y }) => {
        handled += 1;
        const waitMs = jitter.int(0, 3);
        if (waitMs > 0) await sleep(waitMs);
        return { coordinates: [x, y] };
      },
    }),
  });
});

afterAll(() => server?.close());

interface Pending {
  client: number;
  seq: number;
  id?: number | string;
}

describe('load', () => {
  it('50 clients × 200 requests, ids or not: none lost, doubled or misrouted', async () => {
    const rng = Rng.forTest('load');
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => WireClient.open(server.url)),
    );
    const errors: string[] = [];
    const fail = (message: string) => {
      if (errors.length < 20) errors.push(message);
    };
    const started = Date.now();

    const runs = clients.map(async (client, c) => {
      const byId = new Map<string, Pending>();
      const inOrder: Pending[] = [];
      client.onReply((reply: Reply) => {
        let pending: Pending | undefined;
        if ('id' in reply) {
          const key = JSON.stringify(reply.id);
          pending = byId.get(key);
          if (!pending)
            return fail(`client ${c}: reply for an id not in flight: ${JSON.stringify(reply)}`);
          byId.delete(key);
        } else {
          pending = inOrder.shift();
          if (!pending)
            return fail(`client ${c}: unexpected reply without id: ${JSON.stringify(reply)}`);
        }
        const got = JSON.stringify(reply.coordinates);
        const want = JSON.stringify([pending.client, pending.seq]);
        if (reply.success !== true || got !== want) {
          fail(
            `client ${c} request ${pending.seq}: expected coordinates ${want}, ` +
              `got ${JSON.stringify(reply)}`,
          );
        }
      });
      // Ids repeat across connections on purpose (numbers 0..199 and strings), so a reply
      // routed to another connection with the same id would be caught by its nonce.
      for (let seq = 0; seq < REQUESTS; seq += 1) {
        const pending: Pending = { client: c, seq };
        const frame: Record<string, unknown> = {
          command: 'to_screen_coordinates',
          params: { x: c, y: seq, scale: 1 },
        };
        if (rng.chance(0.5)) {
          pending.id = rng.chance(0.5) ? seq : `r${seq}`;
          frame.id = pending.id;
          byId.set(JSON.stringify(pending.id), pending);
        } else {
          inOrder.push(pending);
        }
        client.send(frame);
        // Pipelined in bursts: the socket carries many requests at once, not one at a time.
        if (seq % 25 === 24) await sleep(0);
      }
      await client.until(() => byId.size + inOrder.length === 0, 30_000, `client ${c} replies`);
    });
    await Promise.all(runs);
    const elapsedMs = Date.now() - started;
    // Late duplicates would show up here.
    await sleep(300);

    expect(errors, `${SEED_NOTE}\n${errors.join('\n')}`).toEqual([]);
    for (const [c, client] of clients.entries()) {
      expect(client.replies.length, `client ${c} ${SEED_NOTE}`).toBe(REQUESTS);
      expect(client.closeCode, `client ${c}`).toBeUndefined();
    }
    expect(handled).toBe(CLIENTS * REQUESTS);
    expect(elapsedMs).toBeLessThan(30_000);
    await Promise.all(clients.map((client) => client.close()));
  }, 60_000);
});
