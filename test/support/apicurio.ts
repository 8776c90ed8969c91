import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Apicurio Registry for the schema registry tests: the Confluent-compatible API under
 * `/apis/ccompat/v7`, in-memory storage, on 127.0.0.1. Fetched once by Maven into the local
 * repository (the broker's jars are cached the same way), unpacked under `.karafka/`.
 * 3.x needs Java 21+; on a machine with Java 17 only, 2.6.13.Final runs instead.
 */
const MODERN = '3.3.3';
const LEGACY = '2.6.13.Final';
const ROOT = repositoryRoot(import.meta.dirname);

/** The checkout's root, from test/support or from the benchmark's build in dist/test/support. */
function repositoryRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('dist')) {
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}

export interface RunningRegistry {
  /** Base URL of the Confluent-compatible API. */
  readonly url: string;
  readonly version: string;
  stop(): Promise<void>;
}

export async function startApicurio(log: (line: string) => void): Promise<RunningRegistry> {
  const java = findJava(21);
  const version = java ? MODERN : LEGACY;
  const javaBin = java ?? findJava(17) ?? 'java';
  const home = ensureApp(version, log);
  const [port, managementPort] = [await freePort(), await freePort()];
  const logFile = join(ROOT, '.karafka', 'logs', `apicurio-${port}.log`);
  mkdirSync(join(ROOT, '.karafka', 'logs'), { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(
    javaBin,
    [
      '-Xmx384m',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${managementPort}`,
      '-Dquarkus.log.level=WARN',
      '-jar',
      join(home, 'quarkus-run.jar'),
    ],
    { cwd: home, stdio: ['ignore', out, out] },
  );
  // .ci/run kills what is left of these if a run dies before its teardown.
  const pidFile = join(ROOT, '.karafka', `apicurio-${port}.pid`);
  writeFileSync(pidFile, String(child.pid));
  child.once('exit', () => rmSync(pidFile, { force: true }));
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  await waitReady(url, child, logFile);
  // Apicurio's default is NONE; Confluent's (and so our users') is BACKWARD.
  const response = await fetch(`${url}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!response.ok)
    throw new Error(`PUT /config answered ${response.status}: ${await response.text()}`);
  log(`Apicurio Registry ${version} ready at ${url} (log ${logFile})`);
  return {
    url,
    version,
    stop: () => stopChild(child),
  };
}

/** A JDK whose major version is at least `min`: JAVA_HOME, then the JVMs in /usr/lib/jvm. */
function findJava(min: number): string | undefined {
  const candidates = [process.env.JAVA_HOME, ...jvmDirs()].filter(
    (dir): dir is string => typeof dir === 'string' && dir.length > 0,
  );
  let best: { bin: string; major: number } | undefined;
  for (const dir of candidates) {
    const bin = join(dir, 'bin', 'java');
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    if (major >= min && (!best || major > best.major)) best = { bin, major };
  }
  return best?.bin;
}

function jvmDirs(): string[] {
  const base = '/usr/lib/jvm';
  if (!existsSync(base)) return [];
  return readdirSync(base).map((name) => join(base, name));
}

function javaMajor(bin: string): number {
  const result = spawnSync(bin, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return 0;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** Unpacks the app once under .karafka/ (a marker written last: an interrupted unpack is redone). */
function ensureApp(version: string, log: (line: string) => void): string {
  const home = join(ROOT, '.karafka', `apicurio-${version}`);
  const marker = join(home, '.complete');
  if (existsSync(marker)) return home;
  const archive = join(
    process.env.MAVEN_REPOSITORY ?? join(homedir(), '.m2', 'repository'),
    'io/apicurio/apicurio-registry-app',
    version,
    `apicurio-registry-app-${version}-all.tar.gz`,
  );
  if (!existsSync(archive)) {
    log(`Downloading Apicurio Registry ${version} with Maven (first run only, ~160 MB)...`);
    const result = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:get',
        `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
        '-Dtransitive=false',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (result.status !== 0 || !existsSync(archive)) {
      throw new Error(
        `Maven could not fetch Apicurio Registry ${version}:\n${`${result.stdout}${result.stderr}`.slice(-2000)}`,
      );
    }
  }
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const untar = spawnSync('tar', ['xzf', archive, '-C', home], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar could not unpack ${archive}: ${untar.stderr}`);
  writeFileSync(marker, new Date().toISOString());
  return home;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Apicurio Registry exited before it was ready; see ${logFile}`);
    try {
      const response = await fetch(`${url}/subjects`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopChild(child);
  throw new Error(`Apicurio Registry was not ready within 120 s; see ${logFile}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
