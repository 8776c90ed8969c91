import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './cli-runner.js';

describe('finding and booting the app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'karafka-boot-'));

  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says exactly what to add when no boot file is configured', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'no-boot' }));
    const result = await runCli(['flow'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no "karafka": { "boot": "..." }');
    expect(result.stderr).toContain('"karafka": { "boot": "dist/karafka.js" }');
    expect(result.stderr).toContain("export { AppModule as default } from './app.module.js';");
    expect(result.stderr).toContain('--boot <file>');
  });

  it('finds the boot file through package.json "karafka.boot"', async () => {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'with-boot', karafka: { boot: fixture('routing-app.js') } }),
    );
    const result = await runCli(['flow'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('pings => (nothing)');
    expect(result.code).toBe(0);
  });

  it('says when the boot file is missing', async () => {
    const result = await runCli(['--boot', 'dist/nope.js', 'info'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Boot file dist/nope.js (from --boot) does not exist');
  });

  it('says when the boot file has no default export', async () => {
    const result = await runCli(['--boot', fixture('no-default-export.js'), 'flow']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('must default-export the Nest root module class');
    expect(result.stderr).toContain('missing (no `export default`)');
  });

  it('prints a boot error as one message, without a stack', async () => {
    const result = await runCli(['--boot', fixture('broken-routing-app.js'), 'server']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^karafka: .*not a topic!/m);
    expect(result.stderr).toContain('BadConsumer');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain('[Nest]');
  });

  it('karafka help server describes the command', async () => {
    const result = await runCli(['help', 'server']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: karafka server [options]');
    expect(result.stdout).toContain('--consumer-groups <names>');
    expect(result.stdout).toContain('--topics <topics>');
  });
});
