/**
 * The worker entry: the only file that calls `Comlink.expose` (the project's style: "The shape of the code").
 * It cannot be imported in Node (Comlink's expose needs the worker's global scope); the UI
 * starts it with `new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' })`
 * and imports `SimService` as a type only.
 */
import * as Comlink from 'comlink';
import { createSimService } from './service';

Comlink.expose(createSimService());

export type { ServiceOptions, ServiceResult, SimService } from './service';
