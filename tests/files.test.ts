import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startServer } from './helpers/server.js';

const run = promisify(execFile);

let server: RunningServer;
let client: RawClient;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  client = await RawClient.open(server.url);
  dir = await mkdtemp(path.join(tmpdir(), 'cua-files-'));
});

afterAll(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function call(command: string, params: Record<string, unknown>) {
  return client.request({ command, params });
}

async function postCmd(command: string, params: Record<string, unknown>) {
  const response = await fetch(`${server.httpUrl}/cmd`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command, params }),
  });
  const text = await response.text();
  return JSON.parse(text.slice('data: '.length)) as Record<string, unknown>;
}

const inDir = (...names: string[]) => path.join(dir, ...names);

describe('text and bytes (docs/protocol.md, Commands)', () => {
  it('write_text writes exactly the UTF-8 bytes of the text', async () => {
    const text = 'héllo ✓ 𝄞 世界\nline two\r\nno newline at end';
    expect(await call('write_text', { path: inDir('t.txt'), content: text })).toEqual({
      success: true,
    });
    expect(await readFile(inDir('t.txt'))).toEqual(Buffer.from(text, 'utf8'));
  });

  it('write_file (alias) over POST /cmd replaces a file and leaves no temp file', async () => {
    const sub = inDir('atomic');
    await mkdir(sub);
    await writeFile(path.join(sub, 'f.txt'), 'old content that is longer');
    expect(await postCmd('write_file', { path: path.join(sub, 'f.txt'), content: 'new' })).toEqual({
      success: true,
    });
    expect(await readFile(path.join(sub, 'f.txt'), 'utf8')).toBe('new');
    expect(await readdir(sub)).toEqual(['f.txt']);
  });

  it('keeps the mode of a file it replaces, and writes through a symlink', async () => {
    await writeFile(inDir('mode.sh'), '#!/bin/sh\n');
    await chmod(inDir('mode.sh'), 0o751);
    await symlink('mode.sh', inDir('mode-link'));
    await call('write_text', { path: inDir('mode-link'), content: '#!/bin/sh\necho hi\n' });
    expect((await stat(inDir('mode.sh'))).mode & 0o777).toBe(0o751);
    expect(await readFile(inDir('mode.sh'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await lstat(inDir('mode-link'))).isSymbolicLink()).toBe(true);
    expect(await readlink(inDir('mode-link'))).toBe('mode.sh');
  });

  it('read_text (and read_file) normalise \\r\\n and lone \\r to \\n', async () => {
    await writeFile(inDir('crlf.txt'), Buffer.from('a\r\nb\rc\nd ✓', 'utf8'));
    expect(await call('read_text', { path: inDir('crlf.txt') })).toEqual({
      success: true,
      content: 'a\nb\nc\nd ✓',
    });
    expect(await postCmd('read_file', { path: inDir('crlf.txt') })).toMatchObject({
      content: 'a\nb\nc\nd ✓',
    });
  });

  it('write_bytes of random bytes lands byte for byte; append adds to the end', async () => {
    const first = randomBytes(4096);
    const second = randomBytes(1000);
    const file = inDir('random.bin');
    expect(
      await call('write_bytes', { path: file, content_b64: first.toString('base64') }),
    ).toEqual({
      success: true,
    });
    expect(await readFile(file)).toEqual(first);
    await call('write_bytes', { path: file, content_b64: second.toString('base64'), append: true });
    expect(await readFile(file)).toEqual(Buffer.concat([first, second]));
    // append: false (the default) replaces.
    await call('write_bytes', {
      path: file,
      content_b64: second.toString('base64'),
      append: false,
    });
    expect(await readFile(file)).toEqual(second);
  });

  it('append creates a missing file', async () => {
    await call('write_bytes', { path: inDir('appended.bin'), content_b64: 'AQID', append: true });
    expect(await readFile(inDir('appended.bin'))).toEqual(Buffer.from([1, 2, 3]));
  });

  it('read_bytes returns the requested slice', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const file = inDir('slice.bin');
    await writeFile(file, bytes);
    const read = async (params: Record<string, unknown>) => {
      const reply = await call('read_bytes', { path: file, ...params });
      expect(reply.success).toBe(true);
      return Buffer.from(String(reply.content_b64), 'base64');
    };
    expect(await read({})).toEqual(bytes);
    expect(await read({ offset: 10, length: 5 })).toEqual(bytes.subarray(10, 15));
    expect(await read({ offset: -3, length: 2 })).toEqual(bytes.subarray(0, 2));
    expect(await read({ offset: 250 })).toEqual(bytes.subarray(250));
    expect(await read({ offset: 250, length: 100 })).toEqual(bytes.subarray(250));
    expect(await read({ offset: 100, length: -1 })).toEqual(bytes.subarray(100));
    expect(await read({ offset: 100, length: null })).toEqual(bytes.subarray(100));
    expect(await read({ offset: 0, length: 0 })).toEqual(Buffer.alloc(0));
    expect(await call('read_bytes', { path: file, offset: 1000 })).toEqual({
      success: true,
      content_b64: '',
    });
  });

  it('5 MiB written in one write_bytes reads back in 1 MiB chunks', async () => {
    const size = 5 * 1024 * 1024;
    const data = randomBytes(size);
    const file = inDir('large.bin');
    expect(await call('write_bytes', { path: file, content_b64: data.toString('base64') })).toEqual(
      {
        success: true,
      },
    );
    expect(await call('get_file_size', { path: file })).toEqual({ success: true, size });
    const chunk = 1024 * 1024;
    const parts: Buffer[] = [];
    for (let offset = 0; offset < size; offset += chunk) {
      const reply = await call('read_bytes', { path: file, offset, length: chunk });
      parts.push(Buffer.from(String(reply.content_b64), 'base64'));
    }
    expect(parts.map((p) => p.length)).toEqual([chunk, chunk, chunk, chunk, chunk]);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it('base64: whitespace is ignored, bad padding and foreign characters are refused', async () => {
    const file = inDir('b64.txt');
    await call('write_bytes', { path: file, content_b64: 'aGVs\nbG8=' });
    expect(await readFile(file, 'utf8')).toBe('hello');
    expect(await call('write_bytes', { path: file, content_b64: 'aGVsbG8' })).toEqual({
      success: false,
      error: 'content_b64: Incorrect padding',
      code: 'invalid_params',
    });
    const foreign = await call('write_bytes', { path: file, content_b64: 'aGVs_G8=' });
    expect(foreign).toMatchObject({ success: false, code: 'invalid_params' });
    expect(foreign.error).toMatch(/^content_b64: Invalid base64 character "_"/);
    expect(await readFile(file, 'utf8')).toBe('hello');
  });
});

describe('directories, sizes, existence', () => {
  it('file_exists: regular files only; directory_exists: directories only', async () => {
    await writeFile(inDir('exists.txt'), 'x');
    await mkdir(inDir('exists-dir'));
    const exists = async (command: string, name: string) =>
      (await call(command, { path: inDir(name) })).exists;
    expect(await exists('file_exists', 'exists.txt')).toBe(true);
    expect(await exists('file_exists', 'exists-dir')).toBe(false);
    expect(await exists('file_exists', 'nothing-here')).toBe(false);
    expect(await exists('directory_exists', 'exists-dir')).toBe(true);
    expect(await exists('directory_exists', 'exists.txt')).toBe(false);
    expect(await exists('directory_exists', 'nothing-here')).toBe(false);
    expect(await exists('file_exists', 'exists.txt/below')).toBe(false);
  });

  it('list_dir (and ls) names files and directories, skipping FIFOs and broken links', async () => {
    const listed = inDir('listed');
    await mkdir(path.join(listed, 'sub'), { recursive: true });
    await writeFile(path.join(listed, 'a.txt'), 'a');
    await writeFile(path.join(listed, '.hidden'), 'h');
    await symlink('a.txt', path.join(listed, 'good-link'));
    await symlink('missing', path.join(listed, 'broken-link'));
    await run('mkfifo', [path.join(listed, 'fifo')]);
    const reply = await call('list_dir', { path: listed });
    expect(reply.success).toBe(true);
    expect(new Set(reply.files as string[])).toEqual(
      new Set(['sub', 'a.txt', '.hidden', 'good-link']),
    );
    expect((reply.files as string[]).length).toBe(4);
    expect(new Set((await call('ls', { path: listed })).files as string[])).toEqual(
      new Set(['sub', 'a.txt', '.hidden', 'good-link']),
    );
  });

  it('list_dir of a file fails naming it', async () => {
    await writeFile(inDir('plain'), 'p');
    expect(await call('list_dir', { path: inDir('plain') })).toEqual({
      success: false,
      error: `Not a directory: '${inDir('plain')}'`,
      code: 'command_failed',
    });
  });

  it('get_file_size gives the stat size, directories included', async () => {
    await writeFile(inDir('six.txt'), 'sixsix');
    expect(await call('get_file_size', { path: inDir('six.txt') })).toEqual({
      success: true,
      size: 6,
    });
    const dirSize = await call('get_file_size', { path: dir });
    expect(dirSize).toEqual({ success: true, size: (await stat(dir)).size });
  });

  it('create_dir (and mkdir) make parents and accept an existing directory', async () => {
    const nested = inDir('n1', 'n2', 'n3');
    expect(await call('create_dir', { path: nested })).toEqual({ success: true });
    expect((await stat(nested)).isDirectory()).toBe(true);
    expect(await call('mkdir', { path: nested })).toEqual({ success: true });
    await writeFile(inDir('a-file'), '');
    expect(await call('create_dir', { path: inDir('a-file') })).toMatchObject({
      success: false,
      error: `File exists: '${inDir('a-file')}'`,
    });
  });

  it('delete_dir removes only empty directories, and names a non-empty one', async () => {
    await mkdir(inDir('full'));
    await writeFile(inDir('full', 'x'), 'x');
    expect(await call('delete_dir', { path: inDir('full') })).toEqual({
      success: false,
      error: `Directory not empty: '${inDir('full')}'`,
      code: 'command_failed',
    });
    await mkdir(inDir('empty'));
    expect(await call('rmdir', { path: inDir('empty') })).toEqual({ success: true });
    await expect(stat(inDir('empty'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('delete_file removes a file and refuses a directory, naming it', async () => {
    await writeFile(inDir('doomed.txt'), 'x');
    expect(await call('delete_file', { path: inDir('doomed.txt') })).toEqual({ success: true });
    await expect(stat(inDir('doomed.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(inDir('not-a-file'));
    expect(await call('rm', { path: inDir('not-a-file') })).toEqual({
      success: false,
      error: `Is a directory: '${inDir('not-a-file')}'`,
      code: 'command_failed',
    });
    expect((await stat(inDir('not-a-file'))).isDirectory()).toBe(true);
  });
});

describe('paths and errors', () => {
  it('a missing path is not_found with the path, for every command that needs it', async () => {
    const missing = inDir('no-such-file');
    const expected = {
      success: false,
      error: `No such file or directory: '${missing}'`,
      code: 'not_found',
    };
    for (const command of [
      'read_text',
      'read_bytes',
      'get_file_size',
      'delete_file',
      'delete_dir',
      'list_dir',
    ]) {
      expect(await call(command, { path: missing })).toEqual(expected);
    }
  });

  it('writing into a missing directory fails naming the target, and leaves nothing', async () => {
    const target = inDir('no-parent', 'f.txt');
    expect(await call('write_text', { path: target, content: 'x' })).toEqual({
      success: false,
      error: `No such file or directory: '${target}'`,
      code: 'not_found',
    });
    expect(await call('directory_exists', { path: inDir('no-parent') })).toMatchObject({
      exists: false,
    });
  });

  it('writing over a directory fails naming it, and leaves no temp file', async () => {
    const sub = inDir('over-dir');
    await mkdir(path.join(sub, 'target'), { recursive: true });
    expect(await call('write_text', { path: path.join(sub, 'target'), content: 'x' })).toEqual({
      success: false,
      error: `Is a directory: '${path.join(sub, 'target')}'`,
      code: 'command_failed',
    });
    expect(await readdir(sub)).toEqual(['target']);
    expect(await call('read_text', { path: path.join(sub, 'target') })).toMatchObject({
      error: `Is a directory: '${path.join(sub, 'target')}'`,
    });
  });

  it('relative paths are taken from the server working directory', async () => {
    const relative = path.relative(process.cwd(), inDir('relative.txt'));
    expect(path.isAbsolute(relative)).toBe(false);
    await call('write_text', { path: relative, content: 'rel' });
    expect(await readFile(inDir('relative.txt'), 'utf8')).toBe('rel');
  });

  it('~ expands to the home directory', async () => {
    const name = `.${path.basename(dir)}-home.txt`;
    const inHome = path.join(homedir(), name);
    try {
      expect(await call('write_text', { path: `~/${name}`, content: 'home' })).toEqual({
        success: true,
      });
      expect(await readFile(inHome, 'utf8')).toBe('home');
      expect(await call('file_exists', { path: `~/${name}` })).toMatchObject({ exists: true });
      expect(await call('directory_exists', { path: '~' })).toMatchObject({ exists: true });
      expect(await call('delete_file', { path: `~/${name}` })).toEqual({ success: true });
      await expect(stat(inHome)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(inHome, { force: true });
    }
  });
});
