import { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KarafkaError } from '../errors/karafka.error.js';
import { editAppModule, manualLines } from './app-module-edit.js';
import { DEFAULT_BOOT_FILE } from './boot.js';
import {
  bootFileTemplate,
  exampleConsumerSpecTemplate,
  exampleConsumerTemplate,
  type TestFramework,
} from './install-templates.js';

interface PackageJson {
  name?: string;
  karafka?: { boot?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface InstallReport {
  written: string[];
  skipped: string[];
  notes: string[];
}

/** `karafka install`: sets up nestjs-karafka in the Nest project of the current folder. */
export function installCommand(): Command {
  return new Command('install')
    .description(
      'set up nestjs-karafka in the Nest project here: boot file, package.json "karafka.boot", ' +
        'KarafkaModule in src/app.module.ts, an example consumer and its test',
    )
    .option('--force', 'overwrite files that already exist')
    .action((flags: { force?: boolean }) => {
      const report = install(process.cwd(), Boolean(flags.force));
      for (const file of report.written) console.log(`  write  ${file}`);
      for (const skipped of report.skipped) console.log(`  skip   ${skipped}`); // the reason is in it
      for (const note of report.notes) console.log(`\n${note}`);
      console.log(
        '\nNext: build (npm run build), create the topics (`npx karafka topics create`), then ' +
          '`npx karafka flow` and `npx karafka server` (or connect KarafkaServer in main.ts, see README).',
      );
    });
}

export function install(root: string, force: boolean): InstallReport {
  const packagePath = join(root, 'package.json');
  if (!existsSync(packagePath)) {
    throw new KarafkaError(
      `No package.json in ${root}: run \`karafka install\` in the root of a Nest project.`,
    );
  }
  const raw = readFileSync(packagePath, 'utf8');
  const pkg = JSON.parse(raw) as PackageJson;
  const report: InstallReport = { written: [], skipped: [], notes: [] };
  const write = (file: string, content: string) => {
    const path = join(root, file);
    if (existsSync(path) && !force) {
      report.skipped.push(`${file} (exists; --force replaces it)`);
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    report.written.push(file);
  };

  write('src/karafka.ts', bootFileTemplate());
  write('src/consumers/example.consumer.ts', exampleConsumerTemplate());
  write('src/consumers/example.consumer.spec.ts', exampleConsumerSpecTemplate(testFramework(pkg)));

  const boot = pkg.karafka?.boot;
  if (boot === DEFAULT_BOOT_FILE) {
    report.skipped.push('package.json "karafka.boot" (already set)');
  } else if (boot && !force) {
    report.skipped.push(`package.json "karafka.boot" (set to ${boot})`);
  } else {
    const indent = /^\{\s*\n([ \t]+)/.exec(raw)?.[1] ?? '  ';
    const updated = { ...pkg, karafka: { ...pkg.karafka, boot: DEFAULT_BOOT_FILE } };
    writeFileSync(packagePath, `${JSON.stringify(updated, null, indent)}\n`);
    report.written.push(`package.json ("karafka": { "boot": "${DEFAULT_BOOT_FILE}" })`);
  }

  const modulePath = join(root, 'src/app.module.ts');
  const clientId = clientIdOf(pkg.name);
  if (!existsSync(modulePath)) {
    report.notes.push(
      `No src/app.module.ts: add this to your root module:\n${manualNote(clientId)}`,
    );
    return report;
  }
  const edit = editAppModule(readFileSync(modulePath, 'utf8'), clientId);
  if (edit.kind === 'edited') {
    writeFileSync(modulePath, edit.source);
    report.written.push('src/app.module.ts (KarafkaModule.forRoot, ExampleConsumer)');
  } else if (edit.kind === 'already') {
    report.skipped.push('src/app.module.ts (already imports KarafkaModule)');
  } else {
    report.skipped.push(`src/app.module.ts (${edit.reason})`);
    report.notes.push(`Add this to src/app.module.ts by hand:\n${manualNote(clientId)}`);
  }
  return report;
}

function manualNote(clientId: string): string {
  return manualLines(clientId)
    .map((line) => `  ${line}`)
    .join('\n');
}

/** A client id from the package name: `@acme/Shop API` -> `acme-shop-api`. */
export function clientIdOf(name: string | undefined): string {
  const id = (name ?? 'app')
    .replace(/^@/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return id || 'app';
}

function testFramework(pkg: PackageJson): TestFramework {
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  if ('vitest' in deps) return 'vitest';
  if ('jest' in deps) return 'jest';
  return 'node';
}
