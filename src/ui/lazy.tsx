/**
 * Parts of the page a first visit does not show — the run's event list, connections table and
 * packet inspector — in chunks of their own, so that the first load carries less JavaScript
 * (bench/bundle.bench.ts: initial JavaScript). They are fetched as soon as the browser is idle
 * after the first render, and once fetched they render at once: the loader hands React.lazy an
 * already-settled thenable, so nothing suspends and no fallback ever flashes. Before that (a click
 * within the first moments), the Suspense fallback keeps the panel's place, empty.
 */
import { type ComponentType, lazy, Suspense } from 'react';

interface Loader<M> {
  /** Starts the fetch (once) and returns it. */
  readonly start: () => Promise<M>;
  /** The module, once fetched. */
  readonly loaded: () => M | null;
}

export function loader<M>(load: () => Promise<M>): Loader<M> {
  let promise: Promise<M> | null = null;
  let module: M | null = null;
  return {
    start: () => {
      promise ??= load().then((m) => {
        module = m;
        return m;
      });
      return promise;
    },
    loaded: () => module,
  };
}

/**
 * A lazy component that never suspends once its module is fetched: React.lazy reads a thenable
 * that calls back synchronously as resolved.
 */
export function lazyFrom<M, P extends object>(from: Loader<M>, pick: (m: M) => ComponentType<P>): ComponentType<P> {
  return lazy(() => {
    const m = from.loaded();
    if (m === null) return from.start().then((x) => ({ default: pick(x) }));
    const settled = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, settled when React reads it
      then: (resolve: (value: { default: ComponentType<P> }) => void) => resolve({ default: pick(m) }),
    };
    return settled as unknown as Promise<{ default: ComponentType<P> }>;
  });
}

const eventList = loader(() => import('./run/EventList'));
const connectionsTable = loader(() => import('./run/ConnectionsTable'));
const packetInspector = loader(() => import('./run/PacketInspector'));

const LazyEventList = lazyFrom(eventList, (m) => m.EventList);
const LazyConnectionsTable = lazyFrom(connectionsTable, (m) => m.ConnectionsTable);
const LazyPacketInspector = lazyFrom(packetInspector, (m) => m.PacketInspector);

export function EventList() {
  return (
    <Suspense fallback={null}>
      <LazyEventList />
    </Suspense>
  );
}

export function ConnectionsTable() {
  return (
    <Suspense fallback={null}>
      <LazyConnectionsTable />
    </Suspense>
  );
}

export function PacketInspector() {
  return (
    <Suspense fallback={<aside className="app-inspector panel" aria-busy="true" />}>
      <LazyPacketInspector />
    </Suspense>
  );
}

/** Fetches the lazy parts when the browser is first idle (or soon, where it has no idle callback). */
export function preloadLazyParts(): void {
  const go = () => {
    void eventList.start();
    void connectionsTable.start();
    void packetInspector.start();
  };
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(go, { timeout: 2000 });
  else window.setTimeout(go, 200);
}
