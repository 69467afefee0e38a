import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { commandsJsonSchema } from '@cua/computer-protocol';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { openRecordingTerminal, waitFor, x, type RecordingTerminal } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { CLI_PATH, cleanEnv } from './helpers/server.js';
import { openEventWindow } from './helpers/xev.js';

const SCREEN = { width: 1024, height: 700 };
const CREDENTIALS = { 'X-Container-Name': 'vm-mcp', 'X-API-Key': 'sk-mcp' };

let term: RecordingTerminal;
let witness: Awaited<ReturnType<typeof openEventWindow>>;

const ctx = useDesktopServer({
  desktop: SCREEN,
  server: async ({ display }) => {
    term = await openRecordingTerminal(display, 'mcp-term');
    witness = await openEventWindow(display);
    return {
      display,
      auth: { mode: 'keys', apiKeys: ['sk-mcp'], containerName: 'vm-mcp', maxFailures: 100 },
    };
  },
  afterServer: async () => {
    await witness?.close();
    await term?.close();
  },
  timeoutMs: 60_000,
});

async function httpClient(headers: Record<string, string> = CREDENTIALS): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${ctx.server.httpUrl}/mcp`), {
      requestInit: { headers },
    }),
  );
  return client;
}

/** Width and height from a PNG's IHDR. */
function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, 'base64');
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

type Content = { type: string; data?: string; mimeType?: string; text?: string }[];

describe('/mcp over streamable HTTP, with the official SDK client', () => {
  it('lists one tool per registry command, with upstream’s names and our JSON Schema', async () => {
    const client = await httpClient();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of [
      'computer_screenshot',
      'computer_click',
      'computer_type',
      'computer_press_key',
      'computer_hotkey',
      'computer_run_command',
      'computer_file_read',
      'computer_list_directory',
      'computer_get_active_window',
      'computer_get_screen_size',
    ]) {
      expect(names).toContain(name);
    }
    expect(tools).toHaveLength(commandsJsonSchema().length);
    const type = tools.find((t) => t.name === 'computer_type')!;
    expect(type.inputSchema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect(client.getServerVersion()).toMatchObject({ name: 'cua-computer-server' });
    await client.close();
  });

  it('returns the screenshot as image content of the screen’s size', async () => {
    const client = await httpClient();
    const result = await client.callTool({ name: 'computer_screenshot', arguments: {} });
    const [image] = result.content as Content;
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(pngSize(image!.data!)).toEqual(SCREEN);
    await client.close();
  });

  it('clicks and types on the desktop', async () => {
    const client = await httpClient();
    witness.clear();
    const click = await client.callTool({
      name: 'computer_click',
      arguments: { x: witness.center.x, y: witness.center.y },
    });
    expect(click.isError).toBeFalsy();
    await waitFor(() => (witness.presses().includes(1) ? true : undefined), 5000, 'the click');
    const press = witness.events().find((e) => e.type === 'ButtonPress')!;
    expect({ x: press.rootX, y: press.rootY }).toEqual(witness.center);

    x(ctx.display, 'xdotool', ['windowactivate', '--sync', term.windowId]);
    const typed = await client.callTool({
      name: 'computer_type',
      arguments: { text: 'mcp typed ü' },
    });
    expect(typed.isError).toBeFalsy();
    const expected = Buffer.from('mcp typed ü');
    expect((await term.waitForBytes(expected.length)).subarray(-expected.length)).toEqual(expected);
    await client.close();
  });

  it('reports a failing command as a tool error with its code, an unknown tool as an error', async () => {
    const client = await httpClient();
    const missing = await client.callTool({
      name: 'computer_file_read',
      arguments: { path: '/nonexistent/mcp-file' },
    });
    expect(missing.isError).toBe(true);
    expect((missing.content as Content)[0]!.text).toMatch(/not_found/);
    const invalid = await client.callTool({ name: 'computer_move', arguments: { x: 'left' } });
    expect(invalid.isError).toBe(true);
    expect((invalid.content as Content)[0]!.text).toMatch(/invalid_params/);
    await expect(client.callTool({ name: 'computer_fly', arguments: {} })).rejects.toThrow(
      /Unknown tool/,
    );
    await client.close();
  });

  it('is authenticated exactly as /cmd is, and refuses foreign origins', async () => {
    await expect(httpClient({})).rejects.toThrow(/401|Container name required/);
    await expect(
      httpClient({ 'X-Container-Name': 'vm-mcp', 'X-API-Key': 'wrong' }),
    ).rejects.toThrow(/401|Authentication failed/);
    const fromPage = await fetch(`${ctx.server.httpUrl}/mcp`, {
      method: 'POST',
      headers: {
        ...CREDENTIALS,
        Origin: 'http://evil.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(fromPage.status).toBe(403);
    const status = (await (await fetch(`${ctx.server.httpUrl}/status`)).json()) as {
      features: string[];
    };
    expect(status.features).toContain('mcp');
  });
});

/** TCP ports a process listens on, from its socket fds and /proc/net/tcp{,6}. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const link = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) {
        ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
      }
    }
  }
  return ports;
}

describe('computer-server mcp (stdio)', () => {
  it('serves the same tools on stdin/stdout, drives the display, and opens no port', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_PATH, 'mcp', '--display', ctx.display],
      env: cleanEnv() as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('computer_screenshot');
      const shot = await client.callTool({ name: 'computer_screenshot', arguments: {} });
      expect(pngSize((shot.content as Content)[0]!.data!)).toEqual(SCREEN);

      x(ctx.display, 'xdotool', ['windowactivate', '--sync', term.windowId]);
      const before = term.bytes().length;
      await client.callTool({ name: 'computer_type', arguments: { text: 'via stdio' } });
      expect((await term.waitForBytes(before + 9)).subarray(before).toString()).toBe('via stdio');

      expect(transport.pid).toBeTypeOf('number');
      expect(listeningPorts(transport.pid!)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('prints its own help', async () => {
    const { spawnSync } = await import('node:child_process');
    const help = spawnSync(process.execPath, [CLI_PATH, 'mcp', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--xvfb/);
    const main = spawnSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8' });
    expect(main.stdout).toMatch(/mcp \[options\]/);
  });
});
