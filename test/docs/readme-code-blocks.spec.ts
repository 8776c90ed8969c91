import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/entry-points.js';
import { checkBlocks, extractTypeScriptBlocks } from './readme-blocks.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README TypeScript blocks', () => {
  it('compile against the built package', () => {
    // The blocks import `nestjs-karafka` as an app does: through the package's built types.
    expect(existsSync(join(REPO, 'dist/lib/index.d.ts')), 'run `npm run build` first').toBe(true);
    const blocks = extractTypeScriptBlocks(README);
    expect(blocks.length).toBeGreaterThan(5);
    const problems = checkBlocks(blocks).map(
      ({ line, message }) => `README.md:${line}: ${message}`,
    );
    expect(problems).toEqual([]);
  });

  it('a block that does not compile is reported at its README line', () => {
    const markdown = [
      '# Doc',
      '',
      '<!-- glue: CartsService -->',
      '',
      '```ts',
      "import { Producer } from 'nestjs-karafka';",
      'const carts = new CartsService();',
      'declare const producer: Producer;',
      "producer.produceSoon({ topic: 'x', payload: carts.count });",
      '```',
    ].join('\n');
    const problems = checkBlocks(extractTypeScriptBlocks(markdown));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 9 });
    expect(problems[0]!.message).toContain(
      "Property 'produceSoon' does not exist on type 'Producer'",
    );
  });
});
