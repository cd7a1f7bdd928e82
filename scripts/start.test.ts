import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
let server: ChildProcess | undefined;

/** A port nobody listens on now, so that two checkouts can run the suite side by side. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

afterEach(() => {
  server?.kill('SIGTERM');
});

describe('npm start', () => {
  it('builds, serves the playground on localhost and prints its URL', async () => {
    const port = await freePort();
    server = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    server.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    const announced = await new Promise<string>((resolve, reject) => {
      server?.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      const check = setInterval(() => {
        const m = /Hairpin is running at (http:\/\/localhost:\d+\/)/.exec(output);
        if (m) {
          clearInterval(check);
          resolve(m[1] as string);
        }
      }, 50);
    });
    expect(announced).toBe(`http://localhost:${port}/`);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<title>Hairpin');
    expect(page).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
  }, 120_000);
});
