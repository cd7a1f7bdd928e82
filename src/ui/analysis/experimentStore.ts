/**
 * The distribution experiment's state: the form (kept while the user switches tabs), the run in
 * the analysis worker (its own `WorkerSlot`, so Cancel never takes the run view's kept trace), and
 * the last result.
 */
import { create } from 'zustand';
import type { Diagnostic, Scenario } from '../../scenario';
import {
  type ExperimentRule,
  experimentRules,
  MAX_EXPERIMENT_CONNECTIONS,
  type Population,
  suggestedPopulation,
} from '../../scenario/experiment';
import type { ExperimentInvalid, ExperimentProgress, ExperimentResult, ExperimentSpec } from '../../sim/service';
import { createWorkerSlot, progressProxy, WorkerGone } from '../run/simClient';

export type PopulationKind = Population['kind'];

export interface ExperimentForm {
  readonly rule: string;
  readonly kind: PopulationKind;
  readonly address: string;
  readonly proxyAddress: string;
  readonly prefix: string;
  readonly count: string;
  readonly connections: string;
}

export type ExperimentStatus = 'idle' | 'running' | 'done' | 'invalid' | 'error' | 'cancelled';

export interface ExperimentState {
  readonly form: ExperimentForm;
  readonly status: ExperimentStatus;
  readonly progress: ExperimentProgress | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly result: ExperimentResult | null;
  readonly errors: readonly Diagnostic[];
  readonly message: string | null;
  setForm(patch: Partial<ExperimentForm>): void;
  /** Fills the form from `scenario` where it is empty or names a rule that is gone. */
  adopt(scenario: Scenario): void;
  run(scenario: Scenario): Promise<void>;
  cancel(): void;
}

const slot = createWorkerSlot();
const now = () => performance.now();

export const EMPTY_FORM: ExperimentForm = {
  rule: '',
  kind: 'single',
  address: '',
  proxyAddress: '',
  prefix: '',
  count: '',
  connections: '100000',
};

/** The form with the suggestions of `rule` for every population field. */
export function formFor(scenario: Scenario, rule: ExperimentRule, base: ExperimentForm): ExperimentForm {
  const single = suggestedPopulation(scenario, rule, 'single');
  const proxy = suggestedPopulation(scenario, rule, 'proxy');
  const prefix = suggestedPopulation(scenario, rule, 'prefix');
  return {
    ...base,
    rule: rule.key,
    address: single.kind === 'single' ? single.address : '',
    proxyAddress: proxy.kind === 'proxy' ? proxy.address : '',
    prefix: prefix.kind === 'prefix' ? prefix.prefix : '',
    count: prefix.kind === 'prefix' ? String(prefix.count) : '',
  };
}

/** The spec the form describes, or the sentence that says which field is wrong. */
export function specOf(form: ExperimentForm): { spec: ExperimentSpec } | { error: string } {
  const connections = Number(form.connections.replaceAll(',', '').trim());
  if (form.connections.trim() === '' || !Number.isInteger(connections) || connections < 1)
    return { error: `Connections: a whole number 1–${MAX_EXPERIMENT_CONNECTIONS.toLocaleString('en')}, please.` };
  if (connections > MAX_EXPERIMENT_CONNECTIONS)
    return { error: `Connections: at most ${MAX_EXPERIMENT_CONNECTIONS.toLocaleString('en')} in one experiment.` };
  let population: Population;
  switch (form.kind) {
    case 'single':
      population = { kind: 'single', address: form.address.trim() };
      break;
    case 'proxy':
      population = { kind: 'proxy', address: form.proxyAddress.trim() };
      break;
    case 'prefix': {
      const count = Number(form.count.replaceAll(',', '').trim());
      if (form.count.trim() === '' || !Number.isInteger(count))
        return { error: 'Addresses: a whole number of client addresses, please.' };
      population = { kind: 'prefix', prefix: form.prefix.trim(), count };
      break;
    }
  }
  return { spec: { rule: form.rule, population, connections } };
}

export const useExperimentStore = create<ExperimentState>()((set, get) => ({
  form: EMPTY_FORM,
  status: 'idle',
  progress: null,
  startedAt: 0,
  finishedAt: 0,
  result: null,
  errors: [],
  message: null,

  setForm: (patch) => set({ form: { ...get().form, ...patch } }),

  adopt(scenario) {
    const rules = experimentRules(scenario);
    const form = get().form;
    if (rules.some((r) => r.key === form.rule)) return;
    const first = rules[0];
    set({ form: first === undefined ? { ...form, rule: '' } : formFor(scenario, first, form) });
  },

  async run(scenario) {
    if (get().status === 'running') return;
    const parsed = specOf(get().form);
    if ('error' in parsed) {
      set({ status: 'invalid', errors: [], message: parsed.error, result: null, progress: null });
      return;
    }
    set({
      status: 'running',
      progress: { done: 0, runs: 3, mode: 'Default', fraction: 0 },
      startedAt: now(),
      message: null,
      errors: [],
      result: null,
    });
    const onProgress = progressProxy((progress: ExperimentProgress) => {
      if (get().status === 'running') set({ progress });
    });
    try {
      const result = await slot.call(
        (r) => r.experiment(scenario, parsed.spec, onProgress) as Promise<ExperimentResult | ExperimentInvalid>,
      );
      if (!result.valid) {
        const experiment = result.errors.find((e) => e.path === 'experiment');
        set({
          status: 'invalid',
          errors: experiment === undefined ? result.errors : [],
          message:
            experiment?.message ??
            'The scenario has errors; an experiment runs only on a valid scenario (see the Problems tab).',
          progress: null,
          finishedAt: now(),
        });
        return;
      }
      set({ status: 'done', result, progress: null, finishedAt: now() });
    } catch (error) {
      if (error instanceof WorkerGone && error.why === 'cancelled') return;
      const message =
        error instanceof WorkerGone
          ? error.message
          : `The experiment failed: ${error instanceof Error ? error.message : String(error)}`;
      set({ status: 'error', message, progress: null, finishedAt: now() });
    }
  },

  cancel() {
    if (get().status !== 'running') return;
    slot.cancel();
    const seconds = ((now() - get().startedAt) / 1000).toFixed(1);
    set({
      status: 'cancelled',
      message: `Experiment cancelled after ${seconds} s.`,
      progress: null,
      finishedAt: now(),
    });
  },
}));
