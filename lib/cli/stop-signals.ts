/**
 * Stop signals of `karafka server`. Loading the CLI (Nest, kafkajs, the app) takes a moment;
 * a SIGTERM in that window would kill the process with 143 before `server` listens. The bin
 * script holds them from its first line (this module imports nothing, so it loads at once),
 * and the server command takes over what was held.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

interface HeldSignals {
  held: StopSignal[];
  holding: boolean;
  hold: (signal: NodeJS.Signals) => void;
}

// Process-wide, not module state: the bin script holds with the ESM build while a CommonJS app's
// server command releases with the CommonJS build (see README, "One copy per process").
const KEY = Symbol.for('nestjs-karafka:held-stop-signals');
const registry = globalThis as typeof globalThis & { [KEY]?: HeldSignals };
const state: HeldSignals = (registry[KEY] ??= {
  held: [],
  holding: false,
  hold: (signal) => void state.held.push(signal as StopSignal),
});

/** Catches stop signals until `releaseHeldSignals`. */
export function holdStopSignals(): void {
  if (state.holding) return;
  state.holding = true;
  for (const signal of STOP_SIGNALS) process.on(signal, state.hold);
}

/** Stops holding; returns the first signal that arrived meanwhile, if any. */
export function releaseHeldSignals(): StopSignal | undefined {
  if (state.holding) for (const signal of STOP_SIGNALS) process.off(signal, state.hold);
  state.holding = false;
  return state.held.shift();
}
