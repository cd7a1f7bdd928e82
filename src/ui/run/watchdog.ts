/**
 * Notices a worker that stopped without a word (issue 13): `self.close()`, a crash the page is not
 * told of, an out-of-memory kill. While a call is under way the worker speaks at least every
 * `PROGRESS_INTERVAL_MS` (250 ms: the service's progress reports); after `silenceMs` with no
 * message, the watchdog pings it and waits `pingTimeoutMs` more. Any message in the meantime (a
 * report, the answer) means it is alive; none means it is gone, and `onDead` is called once.
 *
 * A worker busy in one long synchronous step (a huge result being built) cannot answer either, so
 * the two delays are generous: eight seconds of silence in all, 32 progress intervals.
 *
 * Timers are passed in (`setTimeout` by default) so that a test drives them with a fake clock.
 */
export interface WatchdogOptions {
  readonly silenceMs?: number;
  readonly pingTimeoutMs?: number;
  /** Asks the worker for an answer (through comlink); its settling counts as a message. */
  readonly ping: () => Promise<unknown>;
  readonly onDead: () => void;
}

export interface Watchdog {
  /** A call started; the returned function ends it. Watched while at least one is under way. */
  begin(): () => void;
  /** The worker said something (any message). */
  heard(): void;
  /** Stops watching for good (the worker was terminated). */
  stop(): void;
}

export const SILENCE_MS = 4000;
export const PING_TIMEOUT_MS = 4000;

export function createWatchdog(options: WatchdogOptions): Watchdog {
  const silenceMs = options.silenceMs ?? SILENCE_MS;
  const pingTimeoutMs = options.pingTimeoutMs ?? PING_TIMEOUT_MS;
  let calls = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const clear = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const arm = () => {
    clear();
    if (stopped || calls === 0) return;
    timer = setTimeout(ping, silenceMs);
  };

  function ping(): void {
    timer = setTimeout(() => {
      timer = null;
      if (stopped || calls === 0) return;
      stopped = true;
      options.onDead();
    }, pingTimeoutMs);
    options.ping().then(
      () => heard(),
      () => {},
    );
  }

  function heard(): void {
    if (!stopped) arm();
  }

  return {
    begin() {
      calls++;
      arm();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        calls--;
        if (calls === 0) clear();
      };
    },
    heard,
    stop() {
      stopped = true;
      clear();
    },
  };
}
