// `npm start`: installs what is missing, builds the playground and serves it on localhost.
// PORT chooses the port (default 5173, the port share links use by default).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, fail, root, say } from './ensure.mjs';

ensureDependencies();

const port = Number(process.env.PORT ?? 5173);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be 1–65535, got ${process.env.PORT}`);

say('building the playground (vite build)');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('the build failed: see the messages above.');

const server = spawn(
  process.execPath,
  [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--logLevel', 'warn'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);

// Announce the URL once the server answers.
const url = `http://localhost:${port}/`;
const deadline = Date.now() + 30_000;
const poll = async () => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    if (response.ok) {
      say(`Hairpin is running at ${url}  (Ctrl+C to stop)`);
      return;
    }
  } catch {}
  if (server.exitCode !== null) return;
  if (Date.now() > deadline) fail(`the server did not answer on port ${port} within 30 s`);
  setTimeout(poll, 150);
};
poll();

server.on('exit', (code) => {
  if (code !== 0 && code !== null)
    fail(`the server stopped (exit ${code}); is port ${port} already in use? Set PORT=… to use another.`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
