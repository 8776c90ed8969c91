import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/entry-points.js';

describe('API reference', () => {
  // `npm run docs` builds it; here TypeDoc only converts and validates (typedoc.config.js:
  // every export of every package.json "exports" entry point has a TSDoc comment, links resolve).
  it('every public export is documented', () => {
    const result = spawnSync(
      process.execPath,
      [join(REPO, 'node_modules/typedoc/bin/typedoc'), '--emit', 'none', '--logLevel', 'Warn'],
      { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const output = `${result.stdout}${result.stderr}`.trim();
    expect(output, 'TypeDoc found undocumented exports or broken links').toBe('');
    expect(result.status).toBe(0);
  });
});
