/**
 * The page's side of the engine worker (a module worker built by Vite, created and torn down with the page): one module worker
 * running `src/sim/engine.worker.ts`, reached through comlink, started on the first call (never in
 * a render or an effect, so StrictMode's double effects cannot start two), and replaced by a fresh
 * one when a run is cancelled (terminate: the engine is synchronous and cannot be interrupted) or
 * when the worker dies. A call pending when the worker dies or is cancelled rejects with a
 * `WorkerGone`, saying which. A worker can also stop without any event reaching the page
 * (`self.close()`, an out-of-memory kill): a watchdog (watchdog.ts) notices the silence while a
 * call is under way, pings, and treats no answer as death. The run view and the analysis views' experiments each have their own
 * (`createWorkerSlot`).
 */
import * as Comlink from 'comlink';
import type { SimService } from '../../sim/service';
import { createWatchdog, type Watchdog } from './watchdog';

export class WorkerGone extends Error {
  constructor(
    /** `unresponsive`: it stopped without a word and did not answer a ping (watchdog.ts). */
    readonly why: 'cancelled' | 'crashed' | 'unresponsive',
    message: string,
  ) {
    super(message);
  }
}

interface Live {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<SimService>;
  /** Rejects pending calls when the worker goes. */
  readonly gone: Promise<never>;
  readonly kill: (reason: WorkerGone) => void;
  readonly watchdog: Watchdog;
}

/** A worker of its own with the call, cancel and crash handling above (see `createWorkerSlot`). */
export interface WorkerSlot {
  call<T>(call: (remote: Comlink.Remote<SimService>) => Promise<T>): Promise<T>;
  cancel(): void;
  current(): Worker | null;
}

/**
 * One engine worker, started on the first call and replaced after a cancel or a crash. The run
 * view has one (`callWorker`); the analysis views' experiments have another, so that cancelling an
 * experiment never takes the kept trace of the run view with it.
 */
export function createWorkerSlot(): WorkerSlot {
  let live: Live | null = null;

  function spawn(): Live {
    const worker = new Worker(new URL('../../sim/engine.worker.ts', import.meta.url), { type: 'module' });
    const remote = Comlink.wrap<SimService>(worker);
    let reject: (reason: WorkerGone) => void = () => {};
    const gone = new Promise<never>((_, r) => {
      reject = r;
    });
    let dead = false;
    // Nobody may be waiting when the worker goes: that is not an unhandled rejection.
    gone.catch(() => {});
    const watchdog = createWatchdog({
      ping: () => remote.ping(),
      onDead: () =>
        entry.kill(new WorkerGone('unresponsive', 'The simulation worker stopped responding; the run was abandoned.')),
    });
    const entry: Live = {
      worker,
      remote,
      gone,
      watchdog,
      kill: (reason) => {
        // A dying worker can report more than one error; releasing its proxy twice throws.
        if (dead) return;
        dead = true;
        watchdog.stop();
        if (live === entry) live = null;
        remote[Comlink.releaseProxy]();
        worker.terminate();
        reject(reason);
      },
    };
    // Every message is a sign of life: progress reports, answers, the ping's answer.
    worker.addEventListener('message', () => watchdog.heard());
    const crashed = (message: string) =>
      entry.kill(new WorkerGone('crashed', `The simulation worker stopped unexpectedly (${message}).`));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      crashed(event.message || 'the worker failed to load or threw');
    });
    worker.addEventListener('messageerror', () => crashed('a message could not be read'));
    return entry;
  }

  return {
    async call(call) {
      live ??= spawn();
      const { remote, gone, watchdog } = live;
      const end = watchdog.begin();
      try {
        return await Promise.race([call(remote), gone]);
      } finally {
        end();
      }
    },
    cancel() {
      live?.kill(new WorkerGone('cancelled', 'The run was cancelled.'));
    },
    current: () => live?.worker ?? null,
  };
}

const runSlot = createWorkerSlot();

/** Calls the service in the worker (started if needed); rejects if the worker goes first. */
export const callWorker = <T>(call: (remote: Comlink.Remote<SimService>) => Promise<T>): Promise<T> =>
  runSlot.call(call);

/** Stops the worker now (a pending run rejects as cancelled); the next call starts a fresh one. */
export function cancelWorker(): void {
  runSlot.cancel();
}

/** For tests and the crash path: the worker as it is now. */
export const currentWorker = (): Worker | null => runSlot.current();

export const progressProxy = <T extends (...args: never[]) => unknown>(fn: T): T => Comlink.proxy(fn);
