/**
 * Stop signals of `karafka server`. Loading the CLI (Nest, kafkajs, the app) takes a moment;
 * a SIGTERM in that window would kill the process with 143 before `server` listens. The bin
 * script holds them from its first line (this module imports nothing, so it loads at once),
 * and the server command takes over what was held.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const held: StopSignal[] = [];
const hold = (signal: NodeJS.Signals) => void held.push(signal as StopSignal);
let holding = false;

/** Catches stop signals until `releaseHeldSignals`. */
export function holdStopSignals(): void {
  if (holding) return;
  holding = true;
  for (const signal of STOP_SIGNALS) process.on(signal, hold);
}

/** Stops holding; returns the first signal that arrived meanwhile, if any. */
export function releaseHeldSignals(): StopSignal | undefined {
  if (holding) for (const signal of STOP_SIGNALS) process.off(signal, hold);
  holding = false;
  return held.shift();
}
