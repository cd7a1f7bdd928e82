import type { ReactNode } from 'react';
import { useAppStore } from '../store';
import { download } from '../workshop/exportTable';

/** How many repairs a banner lists before it says how many more there are. */
const LISTED = 6;

function Messages({ items }: { items: readonly string[] }) {
  const shown = items.slice(0, LISTED);
  return (
    <ul className="banner-messages">
      {shown.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same sentence may repeat; the list never reorders
        <li key={i}>{m}</li>
      ))}
      {items.length > LISTED && <li>and {items.length - LISTED} more</li>}
    </ul>
  );
}

function Banner({
  tone,
  label,
  children,
  actions,
}: {
  tone: 'error' | 'notice';
  label?: string;
  children: ReactNode;
  actions: ReactNode;
}) {
  return (
    <section className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'} aria-label={label}>
      <div className="banner-body">{children}</div>
      {actions}
    </section>
  );
}

/**
 * What the last attempt to open something left to say, drawn over the top of the canvas: a link or
 * file that could not be opened, notices, an autosave that needed repairs, another tab that saved
 * over this one's autosave, and work another tab left unsaved.
 */
export function Banners() {
  const loadError = useAppStore((s) => s.loadError);
  const notice = useAppStore((s) => s.notice);
  const repairs = useAppStore((s) => s.autosaveRepairs);
  const otherTab = useAppStore((s) => s.otherTab);
  const recovered = useAppStore((s) => s.recovered);
  const store = useAppStore.getState;
  if (loadError === null && notice === null && repairs === null && otherTab === null && recovered === null) return null;
  return (
    <div className="banners">
      {loadError !== null && (
        <Banner
          tone="error"
          actions={
            <button type="button" className="button button-quiet" onClick={() => store().dismissError()}>
              Dismiss
            </button>
          }
        >
          <strong className="banner-title">{loadError.title}</strong>
          <Messages items={loadError.messages} />
          <p className="banner-note">Your current scenario is unchanged.</p>
        </Banner>
      )}
      {otherTab !== null && (
        <Banner
          tone="error"
          label="Another tab saved a scenario"
          actions={
            <>
              <button type="button" className="button" onClick={() => store().showOtherTabScenario()}>
                Show the other tab's
              </button>
              <button type="button" className="button button-primary" onClick={() => store().keepThisTabScenario()}>
                Keep this tab's
              </button>
            </>
          }
        >
          <strong className="banner-title">
            Hairpin is open in another tab, which saved “{otherTab.scenario.title || 'Untitled'}”
          </strong>
          <p className="banner-note">
            This browser keeps one autosave. Until you choose, this tab's work is kept aside, not saved over the other
            tab's; nothing of either is lost.
          </p>
        </Banner>
      )}
      {recovered !== null && (
        <Banner
          tone="notice"
          label="Work from another tab"
          actions={
            <>
              <button type="button" className="button" onClick={() => store().openRecovered()}>
                Open it
              </button>
              <button type="button" className="button button-quiet" onClick={() => store().discardRecovered()}>
                Discard
              </button>
            </>
          }
        >
          Another tab's work, “{recovered.title}”, was kept aside when this browser's autosave held a different
          scenario.
        </Banner>
      )}
      {repairs !== null && (
        <Banner
          tone="notice"
          label="The autosave was repaired"
          actions={
            <>
              <button
                type="button"
                className="button"
                onClick={() => {
                  const original = store().autosaveOriginal();
                  if (original !== null) download('hairpin-autosave-original.json', original, 'application/json');
                }}
              >
                Download the original
              </button>
              <button type="button" className="button button-primary" onClick={() => store().acceptAutosaveRepairs()}>
                Accept the repairs
              </button>
            </>
          }
        >
          <strong className="banner-title">The autosaved scenario was repaired to open it</strong>
          <Messages items={repairs} />
          <p className="banner-note">The original is kept in this browser until you accept the repairs.</p>
        </Banner>
      )}
      {notice !== null && (
        <Banner
          tone="notice"
          actions={
            <>
              {notice.canRestore && (
                <button type="button" className="button" onClick={() => store().restorePrevious()}>
                  Restore previous
                </button>
              )}
              <button type="button" className="button button-quiet" onClick={() => store().dismissNotice()}>
                Dismiss
              </button>
            </>
          }
        >
          {notice.message}
        </Banner>
      )}
    </div>
  );
}
