#!/usr/bin/env node
// The `karafka` command. The code lives in dist/ (run `npm run build` in a checkout).
// A CommonJS app gets the CommonJS build of the CLI, an ESM app the ESM build: the CLI must use
// the same copy of nestjs-karafka as the app it boots (see README, "One copy per process").
import { createRequire } from 'node:module';
import { appFormat } from '../dist/lib/cli/app-format.js';
import { holdStopSignals } from '../dist/lib/cli/stop-signals.js';

// `karafka server` must stop cleanly (exit 0) even on a SIGTERM that arrives while the CLI
// is still loading: hold stop signals from here on; the server command takes them over
// (process-wide, so also when it runs from the CommonJS build).
if (process.argv.includes('server')) holdStopSignals();

const load =
  appFormat(process.argv.slice(2)) === 'commonjs'
    ? Promise.resolve(createRequire(import.meta.url)('../dist/cjs/cli/main.js'))
    : import('../dist/lib/cli/main.js');

load
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
