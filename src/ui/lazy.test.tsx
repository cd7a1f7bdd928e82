import { act, render } from '@testing-library/react';
import { Suspense } from 'react';
import { describe, expect, it } from 'vitest';
import { lazyFrom, loader } from './lazy';

const Hello = ({ who }: { who: string }) => <p>hello {who}</p>;

function setup() {
  let release: (m: { Hello: typeof Hello }) => void = () => {};
  const from = loader(() => new Promise<{ Hello: typeof Hello }>((resolve) => (release = resolve)));
  return { from, release: (m: { Hello: typeof Hello }) => release(m) };
}

describe('lazy parts', () => {
  it('show the fallback until the module arrives, then the component', async () => {
    const { from, release } = setup();
    const Lazy = lazyFrom(from, (m) => m.Hello);
    const view = render(
      <Suspense fallback={<p>waiting</p>}>
        <Lazy who="world" />
      </Suspense>,
    );
    expect(view.container.textContent).toBe('waiting');
    await act(async () => release({ Hello }));
    expect(view.container.textContent).toBe('hello world');
  });

  it('render in the first pass, with no fallback, once the module was fetched ahead', async () => {
    const { from, release } = setup();
    const started = from.start();
    release({ Hello });
    await started;
    const Lazy = lazyFrom(from, (m) => m.Hello);
    const seen: string[] = [];
    const Fallback = () => {
      seen.push('fallback');
      return null;
    };
    const view = render(
      <Suspense fallback={<Fallback />}>
        <Lazy who="again" />
      </Suspense>,
    );
    expect(view.container.textContent).toBe('hello again');
    expect(seen).toEqual([]);
  });
});
