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
import { hashHasShareLink } from './persistence';
import { setStorage, startAutosave, useAppStore } from './store';

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled by the browser: the page works, without autosave
  }
}

/**
 * Opens the share link in the address bar, if there is one, then drops the fragment (spec "Share
 * links": so that a reload restores the autosave, not the link). A link that cannot be read is
 * dropped too: its error is on screen, and a reload should not show it again.
 */
function openLinkInAddressBar(): void {
  if (!hashHasShareLink(window.location.hash)) return;
  useAppStore.getState().openLink(window.location.href);
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

setStorage(browserStorage());
const autosave = startAutosave();
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
    <App />
  </StrictMode>,
);
preloadLazyParts();
