import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from './helpers/server.js';

// What users get from `npm pack`/`npm publish`: the tarballs alone, installed into empty folders,
// never the workspace. Their dependencies come from the npm registry like for any user.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['protocol', 'server', 'client'] as const;
const MINUTES = 60_000;

let work: string;
const tarballs: Record<(typeof PACKAGES)[number], string> = {
  protocol: '',
  server: '',
  client: '',
};

function run(command: string, args: string[], cwd: string, timeoutMs = 5 * MINUTES): string {
  const result = spawnSync(command, args, {
    cwd,
    env: cleanEnv({
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    }),
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A fresh project folder with the given tarballs installed. */
function project(name: string, type: 'module' | 'commonjs', packages: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type }));
  run('npm', ['install', '--no-package-lock', '--loglevel=error', ...packages], dir);
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cua-pack-'));
  const out = join(work, 'tarballs');
  mkdirSync(out);
  for (const name of PACKAGES) {
    // pnpm pack turns workspace:* into the real version numbers, as publishing does.
    run(
      join(ROOT, '.tools/node_modules/.bin/pnpm'),
      ['pack', '--pack-destination', out],
      join(ROOT, 'packages', name),
    );
  }
  for (const file of readdirSync(out)) {
    const name = PACKAGES.find((p) => file.startsWith(`cua-computer-${p}-`));
    if (name) tarballs[name] = join(out, file);
  }
}, 5 * MINUTES);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packed tarballs', () => {
  it('contain only what users need', () => {
    for (const name of PACKAGES) {
      const list = execFileSync('tar', ['-tzf', tarballs[name]], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      expect(list, name).toContain('package/package.json');
      expect(list, name).toContain('package/README.md');
      expect(
        list.filter(
          (f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f),
        ),
        name,
      ).toEqual([]);
      expect(
        list.some((f) => f.endsWith('.test.js') || f.includes('/src/')),
        name,
      ).toBe(false);
    }
  });

  let serverDir: string;

  it(
    'the server runs from an empty folder: --help, --version, and it serves /ws',
    async () => {
      serverDir = project('server-user', 'commonjs', [tarballs.protocol, tarballs.server]);
      const bin = join(serverDir, 'node_modules/.bin/computer-server');
      expect(run(bin, ['--help'], serverDir)).toContain('--port');
      expect(run(bin, ['--version'], serverDir).trim()).toMatch(/^\d+\.\d+\.\d+/);

      const child = spawn(bin, ['--port', '0', '--auth', 'none', '--log-level', 'silent'], {
        cwd: serverDir,
        env: cleanEnv(),
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const match = /listening on (ws:\/\/\S+)/.exec(out);
            if (match) resolve(match[1]!);
          });
          child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
        });

        // Fresh ESM and CommonJS consumers of the client tarball, talking to the packed server.
        const esm = project('client-esm', 'module', [tarballs.protocol, tarballs.client]);
        writeFileSync(
          join(esm, 'main.js'),
          `import { Computer, ComputerError } from '@cua/computer-client';\n` +
            `const c = new Computer({ url: process.argv[2] });\n` +
            `const v = await c.version();\n` +
            `console.log(JSON.stringify({ protocol: v.protocol, isClass: typeof ComputerError === 'function' }));\n` +
            `await c.close();\n`,
        );
        expect(JSON.parse(run('node', ['main.js', url], esm))).toEqual({
          protocol: 1,
          isClass: true,
        });

        const cjs = project('client-cjs', 'commonjs', [tarballs.protocol, tarballs.client]);
        writeFileSync(
          join(cjs, 'main.js'),
          `const { Computer } = require('@cua/computer-client');\n` +
            `const c = new Computer({ url: process.argv[2] });\n` +
            `c.version().then(async (v) => { console.log(v.protocol); await c.close(); });\n`,
        );
        expect(run('node', ['main.js', url], cjs).trim()).toBe('1');
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
    10 * MINUTES,
  );
});
