// The benchmarks' WebSocket client: one request at a time (`call`, in order) or tagged with ids
// (`callWithId`, pipelined), counting round trips. No permessage-deflate, as the reference was
// measured.
import WebSocket from 'ws';

export class BenchClient {
  static async open(url) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new this(ws);
  }

  constructor(ws) {
    this.ws = ws;
    this.roundTrips = 0;
    this.waiting = [];
    this.byId = new Map();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const reply = JSON.parse(data.toString());
      if (reply.id !== undefined) {
        this.byId.get(reply.id)?.(reply);
        this.byId.delete(reply.id);
      } else this.waiting.shift()?.(reply);
    });
  }

  /** The reply, whatever it says. */
  call(command, params = {}) {
    this.roundTrips += 1;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.ws.send(JSON.stringify({ command, params }));
    });
  }

  /** The reply, or a rejection when it is a failure. */
  async ok(command, params = {}) {
    const reply = await this.call(command, params);
    if (!reply.success) throw new Error(`${command}: ${reply.error}`);
    return reply;
  }

  callWithId(id, command, params = {}) {
    this.roundTrips += 1;
    return new Promise((resolve) => {
      this.byId.set(id, resolve);
      this.ws.send(JSON.stringify({ command, params, id }));
    });
  }

  /** `n` calls in a row: each one's time, and the last reply. */
  async timed(n, command, params) {
    const times = [];
    let last;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      last = await this.ok(command, params);
      times.push(performance.now() - t);
    }
    return { times, last };
  }

  close() {
    this.ws.close();
  }
}
