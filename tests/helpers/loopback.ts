import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';

/** Listens on a free loopback port; resolves with it and the `http://` origin there. */
export async function listenOnLoopback(server: Server): Promise<{ port: number; origin: string }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { port, origin: `http://127.0.0.1:${port}` };
}
