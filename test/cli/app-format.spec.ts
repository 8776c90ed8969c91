import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appFormat } from '../../lib/cli/app-format.js';

function project(packageJson: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'karafka-format-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

describe('the build of the CLI an app gets', () => {
  it('is CommonJS for an app without "type", ESM for "type": "module"', () => {
    expect(appFormat([], project({ name: 'a' }))).toBe('commonjs');
    expect(appFormat([], project({ name: 'a', type: 'module' }))).toBe('module');
  });

  it('follows the boot file: its extension, else the package.json nearest to it', () => {
    const cjsApp = project({ name: 'a' });
    const esmLib = project({ name: 'b', type: 'module' });
    mkdirSync(join(esmLib, 'dist'));
    expect(appFormat(['--boot', 'dist/karafka.mjs'], cjsApp)).toBe('module');
    expect(appFormat(['-b', join(esmLib, 'dist/karafka.js')], cjsApp)).toBe('module');
    const configured = project({ name: 'c', karafka: { boot: join(esmLib, 'dist/karafka.js') } });
    expect(appFormat(['flow'], configured)).toBe('module');
    expect(appFormat(['--boot=x.cjs', 'flow'], esmLib)).toBe('commonjs');
  });
});
