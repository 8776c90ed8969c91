import { Command } from 'commander';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KarafkaError } from '../errors/karafka.error.js';
import { editAppModule, manualLines } from './app-module-edit.js';
import {
  bootFileTemplate,
  exampleConsumerSpecTemplate,
  exampleConsumerTemplate,
} from './install-templates.js';
import { projectStyle, type ProjectPackageJson } from './project-style.js';

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
      console.log(`\n${NEXT_STEPS}`);
    });
}

/** In the order they can be done: nothing works before a broker runs. */
export const NEXT_STEPS = `Next:
  1. Start a broker: \`npx karafka broker start\` (a local Kafka, needs Java 17+),
     or point KAFKA_BROKERS at yours (e.g. KAFKA_BROKERS=127.0.0.1:9092).
  2. Build and create the topics: \`npm run build && npx karafka topics create\`
  3. Run the consumers: connect KarafkaServer in src/main.ts (README, "karafka install"),
     or run them on their own with \`npx karafka server\`.
  \`npx karafka flow\` shows the routes; \`npx karafka info\` the config.`;

export function install(root: string, force: boolean): InstallReport {
  const packagePath = join(root, 'package.json');
  if (!existsSync(packagePath)) {
    throw new KarafkaError(
      `No package.json in ${root}: run \`karafka install\` in the root of a Nest project.`,
    );
  }
  const raw = readFileSync(packagePath, 'utf8');
  const pkg = JSON.parse(raw) as ProjectPackageJson;
  const style = projectStyle(root, pkg);
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

  write('src/karafka.ts', bootFileTemplate(style.importSuffix));
  write('src/consumers/example.consumer.ts', exampleConsumerTemplate());
  write(
    'src/consumers/example.consumer.spec.ts',
    exampleConsumerSpecTemplate(style.testFramework, style.importSuffix),
  );
  ignoreBrokerFolder(root, report);

  const boot = pkg.karafka?.boot;
  if (boot === style.bootFile) {
    report.skipped.push('package.json "karafka.boot" (already set)');
  } else if (boot && !force) {
    report.skipped.push(`package.json "karafka.boot" (set to ${boot})`);
  } else {
    const indent = /^\{\s*\n([ \t]+)/.exec(raw)?.[1] ?? '  ';
    const updated = { ...pkg, karafka: { ...pkg.karafka, boot: style.bootFile } };
    writeFileSync(packagePath, `${JSON.stringify(updated, null, indent)}\n`);
    report.written.push(`package.json ("karafka": { "boot": "${style.bootFile}" })`);
  }

  const modulePath = join(root, 'src/app.module.ts');
  const clientId = clientIdOf(pkg.name);
  if (!existsSync(modulePath)) {
    report.notes.push(
      `No src/app.module.ts: add this to your root module:\n${manualNote(clientId, style.importSuffix)}`,
    );
    return report;
  }
  const edit = editAppModule(readFileSync(modulePath, 'utf8'), clientId, style.importSuffix);
  if (edit.kind === 'edited') {
    writeFileSync(modulePath, edit.source);
    report.written.push('src/app.module.ts (KarafkaModule.forRoot, ExampleConsumer)');
  } else if (edit.kind === 'already') {
    report.skipped.push('src/app.module.ts (already imports KarafkaModule)');
  } else {
    report.skipped.push(`src/app.module.ts (${edit.reason})`);
    report.notes.push(
      `Add this to src/app.module.ts by hand:\n${manualNote(clientId, style.importSuffix)}`,
    );
  }
  return report;
}

/** `karafka broker start` keeps ~40 MB of jars, state and logs in .karafka/: not for git. */
function ignoreBrokerFolder(root: string, report: InstallReport): void {
  const path = join(root, '.gitignore');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (/^\/?\.karafka\/?\s*$/m.test(current)) {
    report.skipped.push('.gitignore (already ignores .karafka/)');
    return;
  }
  const separator = current && !current.endsWith('\n') ? '\n' : '';
  appendFileSync(
    path,
    `${separator}\n# Local Kafka broker of \`karafka broker start\`\n.karafka/\n`,
  );
  report.written.push('.gitignore (.karafka/)');
}

function manualNote(clientId: string, suffix: '.js' | ''): string {
  return manualLines(clientId, suffix)
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
