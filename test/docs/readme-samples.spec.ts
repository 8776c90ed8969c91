import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/entry-points.js';
import { renderReadme } from '../../scripts/readme-samples.js';
import { ensureBuilt } from '../cli/cli-runner.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README CLI samples', () => {
  beforeAll(() => ensureBuilt());

  it('are what the commands print (`npm run docs:samples` rewrites them)', async () => {
    const rendered = await renderReadme(README);
    expect(
      rendered === README,
      'README.md samples differ from the commands: run `npm run docs:samples`',
    ).toBe(true);
  });

  it('a sample that no longer matches is rewritten', async () => {
    const stale = [
      '# Doc',
      '',
      '<!-- sample: flow -->',
      '',
      '```',
      '$ npx karafka flow',
      'orders => (nothing)',
      '```',
      '',
      '<!-- /sample -->',
      '',
    ].join('\n');
    const rendered = await renderReadme(stale);
    expect(rendered).not.toBe(stale);
    expect(rendered).toContain('  - orders_confirmed:       (always, exactly once)\n');
  });

  it('an unknown sample name is an error, not a silent pass', async () => {
    await expect(renderReadme('<!-- sample: nope -->\n<!-- /sample -->\n')).rejects.toThrow(
      'README names an unknown sample "nope"',
    );
  });
});
