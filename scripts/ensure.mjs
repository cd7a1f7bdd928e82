// Set-up that `npm start` and `npm test` do on a fresh machine, with nothing but Node and npm:
// check the Node version, install the locked dependencies when they are missing or stale, and
// (for the end-to-end tests) find Debian's Chromium or install it when running as root.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function say(text) {
  process.stdout.write(`\x1b[1m[hairpin]\x1b[0m ${text}\n`);
}

export function fail(text) {
  process.stderr.write(`\x1b[31m[hairpin]\x1b[0m ${text}\n`);
  process.exit(1);
}

export function ensureNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  // Vite 8 needs Node ^20.19 or >=22.12 (TOOLCHAIN.md).
  const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  if (!supported) fail(`Node ${process.versions.node} is too old: Hairpin needs Node 20.19+ or 22.12+.`);
}

/** Packages of the lockfile that should be on disk but are not, or at another version. */
function staleDependencies() {
  const lockPath = join(root, 'package-lock.json');
  const installedPath = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installedPath)) return ['(node_modules)'];
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(installedPath, 'utf8')).packages ?? {};
  const stale = [];
  for (const [path, entry] of Object.entries(lock)) {
    if (path === '' || entry.optional) continue; // platform binaries are installed only where they fit
    if (installed[path]?.version !== entry.version || !existsSync(join(root, path))) stale.push(path);
  }
  return stale;
}

export function ensureDependencies() {
  ensureNode();
  const stale = staleDependencies();
  if (stale.length === 0) return;
  say(
    `installing dependencies (${stale.length === 1 ? stale[0] : `${stale.length} packages`} missing or out of date): npm ci`,
  );
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  if (result.status !== 0) fail('npm ci failed: see the messages above.');
}

export const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium for Playwright: installed with apt as root, else a clear message how. */
export function ensureChromium() {
  if (existsSync(chromiumPath())) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const how =
    'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-liberation\n' +
    '  (or set CHROMIUM_PATH to a Chromium or Chrome binary)';
  if (!isRoot || !hasApt) {
    fail(`the end-to-end tests need Chromium at ${chromiumPath()}, and it is not there. Install it with:\n  ${how}`);
  }
  say("installing Debian's chromium for the end-to-end tests (apt-get)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-liberation'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) fail(`apt-get ${args[0]} failed. Install Chromium by hand:\n  ${how}`);
  }
  if (!existsSync(chromiumPath())) fail(`apt-get installed chromium, but ${chromiumPath()} is still missing.`);
}

/** Runs a binary of node_modules/.bin with Node, inheriting the terminal. */
export function runBin(bin, args, env = {}) {
  const result = spawnSync(join(root, 'node_modules', '.bin', bin), args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status ?? 1;
}
