import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../utils/package-root.js';
import { DevBrokerError } from './dev-broker.error.js';
import { assertMaven } from './requirements.js';

const COMPLETE_MARKER = '.complete';

/**
 * The jars of one Kafka version, resolved by Maven from our pom.xml into
 * `<home>/kafka-<version>/libs`. A marker file is written last, so an interrupted download is
 * redone instead of starting a broker from half a classpath.
 */
export async function ensureKafkaJars(
  home: string,
  version: string,
  log: (line: string) => void,
): Promise<string> {
  const libs = join(home, `kafka-${version}`, 'libs');
  if (existsSync(join(libs, COMPLETE_MARKER))) return libs;

  assertMaven();
  rmSync(libs, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  log(`Downloading Apache Kafka ${version} with Maven into ${libs} (first start only)...`);
  const pom = join(packageRoot(), 'lib', 'dev-broker', 'pom.xml');
  const args = [
    '-q',
    '-B',
    '-f',
    pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-Dkafka.version=${version}`,
    `-DoutputDirectory=${libs}`,
  ];
  const output = await run('mvn', args);
  const jars = readdirSync(libs).filter((file) => file.endsWith('.jar'));
  if (output.code !== 0 || !jars.some((jar) => jar.startsWith(`kafka_2.13-${version}`))) {
    throw new DevBrokerError(
      `Maven could not resolve Apache Kafka ${version} (exit code ${output.code}). ` +
        `Check that Maven Central is reachable. Maven said:\n${output.text.slice(-2000)}`,
    );
  }
  writeFileSync(join(libs, COMPLETE_MARKER), new Date().toISOString());
  return libs;
}

function run(command: string, args: string[]): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, text: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? -1, text }));
  });
}
