/**
 * Test-only worker entry: exposes the simulation service over comlink's Node adapter in a
 * `worker_threads` worker, standing in for `src/sim/engine.worker.ts`, which needs a browser
 * worker's global scope and cannot run in Node . Plain JavaScript so that it
 * stays outside the layer rules' scan (the sim layer may not import node: modules). It registers
 * tsx's loader itself (on Node 20 a worker's `execArgv: ['--import', 'tsx']` does not reach the
 * worker's module loader) and then imports the TypeScript service.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { register } from 'tsx/esm/api';

register();
const { createSimService } = await import('../service.ts');

if (parentPort === null) throw new Error('simServiceWorker.mjs must run in a worker thread');
Comlink.expose(createSimService(), nodeEndpoint(parentPort));
