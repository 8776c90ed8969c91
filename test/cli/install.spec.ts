import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO, runCli } from './cli-runner.js';

const APP_MODULE = `import { Module } from '@nestjs/common';
import { AppService } from './app.service.js';

@Module({
  imports: [],
  providers: [AppService],
})
export class AppModule {}
`;

/**
 * A minimal Nest project in a temp folder. Its node_modules links every package of this repo's
 * node_modules and `nestjs-karafka` to this repo (resolving to dist/ like an installed copy).
 */
function createNestProject(devDependencies: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'karafka-install-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  symlinkSync(REPO, join(root, 'node_modules', 'nestjs-karafka'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify(
      {
        name: '@acme/Demo Shop',
        private: true,
        type: 'module',
        scripts: { build: 'tsc -p tsconfig.json' },
        dependencies: { '@nestjs/common': '^12.0.0', '@nestjs/core': '^12.0.0' },
        devDependencies,
      },
      null,
      2,
    ),
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
    'src/app.module.ts': APP_MODULE,
    'src/app.service.ts': `import { Injectable } from '@nestjs/common';\n\n@Injectable()\nexport class AppService {}\n`,
    'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.createApplicationContext(AppModule);
await app.close();
`,
  };
  for (const [file, content] of Object.entries(files)) writeFileSync(join(root, file), content);
  return root;
}

function tsc(root: string, ...args: string[]) {
  return spawnSync(
    process.execPath,
    [join(REPO, 'node_modules/typescript7/bin/tsc'), '-p', join(root, 'tsconfig.json'), ...args],
    { encoding: 'utf8' },
  );
}

const GENERATED = [
  'src/karafka.ts',
  'src/consumers/example.consumer.ts',
  'src/consumers/example.consumer.spec.ts',
];

describe('karafka install', () => {
  const roots: string[] = [];
  const project = (devDependencies?: Record<string, string>) => {
    const root = createNestProject(devDependencies);
    roots.push(root);
    return root;
  };

  beforeAll(() => ensureBuilt());
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('scaffolds a project that compiles, boots with the CLI and passes its example test', async () => {
    const root = project();
    const result = await runCli(['install'], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const file of GENERATED) {
      expect(result.stdout).toContain(`write  ${file}`);
      expect(existsSync(join(root, file))).toBe(true);
    }

    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      karafka: { boot: string };
    };
    expect(pkg.karafka).toEqual({ boot: 'dist/karafka.js' });
    expect(readFileSync(join(root, 'src/karafka.ts'), 'utf8')).toContain(
      "export { AppModule as default } from './app.module.js';",
    );
    expect(readFileSync(join(root, 'src/app.module.ts'), 'utf8')).toBe(
      `import { Module } from '@nestjs/common';
import { AppService } from './app.service.js';
import { KarafkaModule } from 'nestjs-karafka';
import { ExampleConsumer } from './consumers/example.consumer.js';

@Module({
  imports: [
    KarafkaModule.forRoot({
      clientId: 'acme-demo-shop',
      kafka: { brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'] },
    }),
  ],
  providers: [ExampleConsumer, AppService],
})
export class AppModule {}
`,
    );
    const spec = readFileSync(join(root, 'src/consumers/example.consumer.spec.ts'), 'utf8');
    expect(spec).toContain("from 'node:test'");

    const check = tsc(root, '--noEmit');
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);

    // Built, the app boots through package.json "karafka.boot" and its example test passes.
    expect(tsc(root).status).toBe(0);
    const flow = await runCli(['flow'], { cwd: root });
    expect(flow.stderr).toBe('');
    expect(flow.stdout).toBe('example => (nothing)\n');
    const info = await runCli(['info'], { cwd: root });
    expect(info.stderr).toBe('');
    expect(info.stdout).toContain('Client id  acme-demo-shop');
    expect(info.stdout).toContain('example -> ExampleConsumer');
    const test = spawnSync(
      process.execPath,
      ['--test', join(root, 'dist/consumers/example.consumer.spec.js')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(test.stdout).toMatch(/# pass 1/);
    expect(test.status).toBe(0);
  });

  it('a second install without --force overwrites nothing; --force rewrites the files', async () => {
    const root = project();
    expect((await runCli(['install'], { cwd: root })).code).toBe(0);
    const watched = [...GENERATED, 'package.json', 'src/app.module.ts'];
    // Local changes a second install must keep (package.json stays valid JSON).
    for (const file of watched.filter((name) => name.endsWith('.ts'))) {
      writeFileSync(join(root, file), `${readFileSync(join(root, file), 'utf8')}// mine\n`);
    }
    const before = new Map(watched.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
    const mtimes = new Map(watched.map((file) => [file, statSync(join(root, file)).mtimeMs]));

    const again = await runCli(['install'], { cwd: root });
    expect(again.code).toBe(0);
    // Each skip line gives its one reason, once.
    const skips = again.stdout.split('\n').filter((line) => line.startsWith('  skip'));
    expect(skips).toEqual([
      ...GENERATED.map((file) => `  skip   ${file} (exists; --force replaces it)`),
      '  skip   .gitignore (already ignores .karafka/)',
      '  skip   package.json "karafka.boot" (already set)',
      '  skip   src/app.module.ts (already imports KarafkaModule)',
    ]);
    expect(again.stdout).not.toMatch(/^ {2}write/m);
    for (const file of watched) {
      expect(readFileSync(join(root, file), 'utf8')).toBe(before.get(file));
      expect(statSync(join(root, file)).mtimeMs).toBe(mtimes.get(file));
    }

    const forced = await runCli(['install', '--force'], { cwd: root });
    for (const file of GENERATED) expect(forced.stdout).toContain(`write  ${file}`);
    expect(readFileSync(join(root, 'src/karafka.ts'), 'utf8')).not.toContain('// mine');
    expect(readFileSync(join(root, 'src/app.module.ts'), 'utf8')).toBe(
      before.get('src/app.module.ts'),
    );
  });

  it('writes a vitest spec in a vitest project, and it compiles', async () => {
    const root = project({ vitest: '^4.0.0' });
    expect((await runCli(['install'], { cwd: root })).code).toBe(0);
    const spec = readFileSync(join(root, 'src/consumers/example.consumer.spec.ts'), 'utf8');
    expect(spec).toContain("import { describe, expect, it } from 'vitest';");
    const check = tsc(root, '--noEmit');
    expect(check.stdout + check.stderr).toBe('');
  });

  it('prints the lines to add when the root module is not a plain @Module literal', async () => {
    const root = project();
    const custom = `import { Module } from '@nestjs/common';\n\nconst imports = [];\n\n@Module({ imports })\nexport class AppModule {}\n`;
    writeFileSync(join(root, 'src/app.module.ts'), custom);
    const result = await runCli(['install'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'skip   src/app.module.ts (its imports are not a plain array literal)',
    );
    expect(result.stdout).toContain('Add this to src/app.module.ts by hand:');
    expect(result.stdout).toContain("  import { KarafkaModule } from 'nestjs-karafka';");
    expect(result.stdout).toContain("        clientId: 'acme-demo-shop',");
    expect(readFileSync(join(root, 'src/app.module.ts'), 'utf8')).toBe(custom);
  });
});
