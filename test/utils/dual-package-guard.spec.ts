import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, REPO } from '../cli/cli-runner.js';

/** Runs a CommonJS snippet in a fresh node process in the repo (which resolves `nestjs-karafka` to itself). */
function node(script: string) {
  return spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
  });
}

describe('the CommonJS and the ESM build', () => {
  it('resolve through require and import, share DI tokens and KarafkaError, and warn when both load', () => {
    ensureBuilt();
    const both = node(`
      const cjs = require('nestjs-karafka');
      if (!require.resolve('nestjs-karafka').includes('/dist/cjs/')) throw new Error('require');
      import('nestjs-karafka').then((esm) => {
        console.log(JSON.stringify({
          distinct: esm.KarafkaServer !== cjs.KarafkaServer,
          token: esm.KARAFKA_CONFIG === cjs.KARAFKA_CONFIG,
          error: new esm.KarafkaError('x') instanceof cjs.KarafkaError,
        }));
      });
    `);
    expect(both.status).toBe(0);
    expect(JSON.parse(both.stdout)).toEqual({ distinct: true, token: true, error: true });
    expect(both.stderr).toContain('NESTJS_KARAFKA_DUAL_PACKAGE');

    const one = node(`require('nestjs-karafka'); require('nestjs-karafka/testing');`);
    expect(one.status).toBe(0);
    expect(one.stderr).not.toContain('NESTJS_KARAFKA_DUAL_PACKAGE');
  });
});
