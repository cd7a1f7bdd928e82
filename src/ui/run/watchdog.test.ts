import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchdog } from './watchdog';

/** A fake worker: answers pings or not, and counts how often it was declared dead. */
function setup(answers: boolean) {
  const state = { pings: 0, dead: 0 };
  const dog = createWatchdog({
    silenceMs: 1000,
    pingTimeoutMs: 500,
    ping: () => {
      state.pings++;
      return answers ? Promise.resolve(true) : new Promise(() => {});
    },
    onDead: () => state.dead++,
  });
  return { dog, state };
}

describe('the worker watchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('declares a silent worker dead once: silence, a ping, no answer', async () => {
    const { dog, state } = setup(false);
    dog.begin();
    await vi.advanceTimersByTimeAsync(999);
    expect(state.pings).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.pings).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(state.dead).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.dead).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.dead).toBe(1);
  });

  it('keeps a worker that reports progress, however long the call', async () => {
    const { dog, state } = setup(false);
    dog.begin();
    for (let i = 0; i < 400; i++) {
      await vi.advanceTimersByTimeAsync(250);
      dog.heard();
    }
    expect(state).toEqual({ pings: 0, dead: 0 });
  });

  it('keeps a quiet worker that answers its ping (busy between reports, or idle)', async () => {
    const { dog, state } = setup(true);
    dog.begin();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(state.pings).toBeGreaterThan(5);
    expect(state.dead).toBe(0);
  });

  it('a message while the ping is out is enough', async () => {
    const { dog, state } = setup(false);
    dog.begin();
    await vi.advanceTimersByTimeAsync(1200);
    expect(state.pings).toBe(1);
    dog.heard();
    await vi.advanceTimersByTimeAsync(900);
    expect(state.dead).toBe(0);
  });

  it('watches only while a call is under way', async () => {
    const { dog, state } = setup(false);
    const end = dog.begin();
    await vi.advanceTimersByTimeAsync(500);
    end();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state).toEqual({ pings: 0, dead: 0 });
    dog.begin();
    await vi.advanceTimersByTimeAsync(1500);
    expect(state.dead).toBe(1);
  });

  it('never fires after stop (the worker was terminated)', async () => {
    const { dog, state } = setup(false);
    dog.begin();
    await vi.advanceTimersByTimeAsync(1200);
    dog.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.dead).toBe(0);
  });
});
