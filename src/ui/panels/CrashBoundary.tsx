import { Component, type ErrorInfo, type ReactNode } from 'react';
import { createDefaultScenario, validateScenario } from '../../scenario';
import { PREVIOUS_KEY } from '../persistence';
import { useAppStore } from '../store';
import { download } from '../workshop/exportTable';

interface State {
  readonly error: Error | null;
}

/**
 * The last line of defence between a defect and a blank page: when drawing the playground throws,
 * the page says what failed and offers the user's scenario (still in the store and the autosave)
 * as a file, a new attempt, or a fresh start with the scenario kept as the previous one.
 */
export class CrashBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Hairpin could not draw the playground', error, info.componentStack);
  }

  private readonly retry = () => this.setState({ error: null });

  private readonly startOver = () => {
    const store = useAppStore.getState();
    try {
      window.localStorage.setItem(PREVIOUS_KEY, JSON.stringify(store.scenario));
    } catch {
      // no storage: the download button is the way to keep it
    }
    const lab = createDefaultScenario();
    useAppStore.setState({
      scenario: lab,
      diagnostics: validateScenario(lab),
      selection: [],
      notice: { message: 'Started again from the default lab. The scenario that failed was kept.', canRestore: true },
      revision: store.revision + 1,
    });
    this.retry();
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    const scenario = useAppStore.getState().scenario;
    return (
      <main className="crash" aria-labelledby="crash-title">
        <h1 id="crash-title">Hairpin could not draw the playground</h1>
        <p className="crash-error">{error.message.slice(0, 400)}</p>
        <p>
          Your scenario, “{scenario.title || 'Untitled'}”, is not lost: it is still open in this tab and saved in this
          browser.
        </p>
        <div className="dialog-actions">
          <button
            type="button"
            className="button"
            onClick={() =>
              download('hairpin-scenario.json', `${JSON.stringify(scenario, null, 2)}\n`, 'application/json')
            }
          >
            Download the scenario
          </button>
          <button type="button" className="button" onClick={this.startOver}>
            Start from the default lab
          </button>
          <button type="button" className="button button-primary" onClick={this.retry}>
            Try again
          </button>
        </div>
      </main>
    );
  }
}
