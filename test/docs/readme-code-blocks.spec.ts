import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/entry-points.js';
import { checkBlocks, extractTypeScriptBlocks } from './readme-blocks.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

// A block that must fail, checked in the same program as README's (one compile, not two).
const BROKEN = [
  '<!-- file: planted-broken.ts -->',
  '<!-- glue: CartsService -->',
  '',
  '```ts',
  "import { Producer } from 'nestjs-karafka';",
  'const carts = new CartsService();',
  'declare const producer: Producer;',
  "producer.produceSoon({ topic: 'x', payload: carts.count });",
  '```',
].join('\n');

describe('README TypeScript blocks', () => {
  it('compile against the built package, and a broken block is reported at its line', () => {
    // The blocks import `nestjs-karafka` as an app does: through the package's built types.
    expect(existsSync(join(REPO, 'dist/lib/index.d.ts')), 'run `npm run build` first').toBe(true);
    const blocks = extractTypeScriptBlocks(README);
    expect(blocks.length).toBeGreaterThan(5);
    const planted = extractTypeScriptBlocks(BROKEN);
    const problems = checkBlocks([...blocks, ...planted]);

    const inReadme = problems.filter((problem) => problem.block !== planted[0]);
    expect(inReadme.map(({ line, message }) => `README.md:${line}: ${message}`)).toEqual([]);
    const inPlanted = problems.filter((problem) => problem.block === planted[0]);
    expect(inPlanted).toHaveLength(1);
    expect(inPlanted[0]).toMatchObject({ line: 8 });
    expect(inPlanted[0]!.message).toContain(
      "Property 'produceSoon' does not exist on type 'Producer'",
    );
  });
});
