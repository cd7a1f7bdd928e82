/**
 * The page's entry: storage, autosave and share links are wired here, once, before React renders;
 * everything after that is the store's business.
 */
import '@xyflow/react/dist/style.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { preloadLazyParts } from './lazy';
import { CrashBoundary } from './panels/CrashBoundary';
import { hashHasShareLink } from './persistence';
import { type StorageEvents, setStorage, startAutosave, useAppStore } from './store';

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled by the browser: the page works, without autosave
  }
}

/** Another tab's writes to this origin's localStorage (the event never fires in the tab that wrote). */
const storageEvents: StorageEvents = (listener) => {
  const heard = (event: StorageEvent) => {
    if (event.storageArea === browserStorage()) listener(event.key, event.newValue);
  };
  window.addEventListener('storage', heard);
  return () => window.removeEventListener('storage', heard);
};

/**
 * Opens the share link in the address bar, if there is one, and drops the fragment (so that a
 * reload restores the autosave, not the link, as docs/architecture.md "Share links" says). The
 * fragment goes first: a link that cannot be read, or whose opening fails, must not meet every
 * reload again; its error is on screen and the current scenario stays.
 */
function openLinkInAddressBar(): void {
  if (!hashHasShareLink(window.location.hash)) return;
  const href = window.location.href;
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  try {
    useAppStore.getState().openLink(href);
  } catch (error) {
    useAppStore.getState().reportLoadFailure('This share link could not be opened', error);
  }
}

setStorage(browserStorage());
const autosave = startAutosave(storageEvents);
// Edits are saved once they pause; leaving or hiding the page saves at once.
window.addEventListener('pagehide', autosave.flush);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') autosave.flush();
});
openLinkInAddressBar();
// A link pasted into the address bar of an open page changes only the fragment: no reload.
window.addEventListener('hashchange', openLinkInAddressBar);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <CrashBoundary>
      <App />
    </CrashBoundary>
  </StrictMode>,
);
preloadLazyParts();
