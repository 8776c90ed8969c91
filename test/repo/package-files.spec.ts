import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/cli-runner.js';

interface PackResult {
  files: { path: string }[];
}

describe('the published package', () => {
  it('holds only what users need: both builds, the CLI, the broker files, README and LICENSE', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: REPO,
        encoding: 'utf8',
      }),
    ) as PackResult[];
    const files = packed!.files.map((file) => file.path);
    const outside = files.filter(
      (file) => !/^(dist\/lib\/|dist\/cjs\/|bin\/karafka\.js$)/.test(file),
    );
    expect(outside.sort()).toEqual([
      'LICENSE',
      'README.md',
      'lib/dev-broker/log4j2.yaml',
      'lib/dev-broker/pom.xml',
      'package.json',
    ]);
    for (const entry of ['index', 'testing/index', 'cli/main']) {
      for (const build of ['dist/lib', 'dist/cjs']) {
        expect(files).toContain(`${build}/${entry}.js`);
        expect(files).toContain(`${build}/${entry}.d.ts`);
      }
    }
    expect(files).toContain('dist/cjs/package.json');
    expect(files.some((file) => file.includes('.spec.') || file.startsWith('test/'))).toBe(false);
  });
});
