#!/usr/bin/env node
// The `karafka` command. The code lives in dist/ (run `npm run build` in a checkout).
import { main } from '../dist/lib/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
