#!/usr/bin/env node
// The `karafka` command. The code lives in dist/ (run `npm run build` in a checkout).
import { holdStopSignals } from '../dist/lib/cli/stop-signals.js';

// `karafka server` must stop cleanly (exit 0) even on a SIGTERM that arrives while the CLI
// is still loading: hold stop signals from here on; the server command takes them over.
if (process.argv.includes('server')) holdStopSignals();

import('../dist/lib/cli/main.js')
  .then(({ main }) => main(process.argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
