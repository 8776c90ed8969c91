import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO } from '../../scripts/entry-points.js';

/** Where the glue lives; see its header for how blocks use it. */
export const GLUE = join(REPO, 'test/docs/readme-glue.ts');
/**
 * Blocks become files here (in memory only): inside the package, so `nestjs-karafka` resolves
 * through the package's own "exports" to the built types, exactly as an app resolves it.
 */
const BLOCK_DIR = join(REPO, 'test/docs/readme-blocks');

export interface CodeBlock {
  /** The line of the opening fence, 1-based. */
  line: number;
  /** `<!-- file: name.ts -->`: other blocks import it as `./name.js`. */
  file?: string;
  /** `<!-- glue: A, B -->`: names imported from the glue file. */
  glue: string[];
  code: string;
}

/** Every ```ts block of a Markdown text, with the markers in the HTML comments just before it. */
export function extractTypeScriptBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[index]!)) continue;
    const block: CodeBlock = { line: index + 1, glue: [], code: '' };
    for (let back = index - 1; back >= 0; back--) {
      const text = lines[back]!.trim();
      if (text === '') continue;
      if (!/^<!--.*-->$/.test(text)) break;
      const marker = /^<!--\s*(file|glue):\s*(.+?)\s*-->$/.exec(text);
      if (!marker) continue; // another comment, e.g. a sample region's start
      if (marker[1] === 'file') block.file = marker[2];
      else block.glue.push(...marker[2]!.split(',').map((name) => name.trim()));
    }
    const end = lines.findIndex((text, at) => at > index && /^```\s*$/.test(text));
    if (end < 0) throw new Error(`The code block at line ${block.line} is never closed`);
    block.code = lines.slice(index + 1, end).join('\n');
    blocks.push(block);
    index = end;
  }
  return blocks;
}

export interface BlockProblem {
  /** The Markdown line the problem is on (0: not inside a block). */
  line: number;
  block?: CodeBlock;
  message: string;
}

/**
 * Type-checks the blocks the way an app using the built package would (the repo's tsconfig, the
 * package's own exports). A relative import resolves to the block marked with that file name,
 * or else to the glue. The glue import goes on the block's first line so lines map 1:1.
 */
export function checkBlocks(blocks: CodeBlock[]): BlockProblem[] {
  const named = new Set(blocks.flatMap((block) => (block.file ? [block.file] : [])));
  const sources = new Map<string, { block: CodeBlock; text: string }>();
  for (const block of blocks) {
    const path = join(BLOCK_DIR, block.file ?? `readme-line-${block.line}.ts`);
    const glueImport = block.glue.length
      ? `import { ${block.glue.join(', ')} } from '${relativeGlue()}'; `
      : '';
    const code = block.code.replace(/from '(\.{1,2}\/[^']+)\.js'/g, (whole, target: string) => {
      const base = target.split('/').pop()!;
      return named.has(`${base}.ts`) ? `from './${base}.js'` : `from '${relativeGlue()}'`;
    });
    sources.set(path, { block, text: `${glueImport}${code}\n` });
  }

  const config = ts.getParsedCommandLineOfConfigFile(
    join(REPO, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => sources.get(file)?.text ?? readFile(file);
  host.fileExists = (file) => sources.has(file) || fileExists(file);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => dir === BLOCK_DIR || (directoryExists?.(dir) ?? true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const source = sources.get(file);
    return source
      ? ts.createSourceFile(file, source.text, language, true)
      : getSourceFile(file, language, ...rest);
  };

  const program = ts.createProgram({ rootNames: [...sources.keys()], options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const source = diagnostic.file && sources.get(diagnostic.file.fileName);
    if (!source || diagnostic.start === undefined) {
      const where = diagnostic.file ? `${diagnostic.file.fileName}: ` : '';
      return { line: 0, message: `${where}TS${diagnostic.code}: ${message}` };
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    return {
      line: source.block.line + 1 + line,
      block: source.block,
      message: `TS${diagnostic.code}: ${message}`,
    };
  });
}

function relativeGlue(): string {
  return relative(BLOCK_DIR, GLUE).replace(/\.ts$/, '.js');
}
