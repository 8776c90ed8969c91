import { spawnSync } from 'node:child_process';
import { DOCKER_HINT, DevBrokerError } from './dev-broker.error.js';

/** Java 17+ runs Kafka 4; older or missing Java is named in the error. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new DevBrokerError(
      `The local Kafka broker needs Java 17 or newer, and no \`java\` was found on PATH. ` +
        `Install a JDK 17+ (e.g. \`apt-get install openjdk-17-jre-headless\`). ${DOCKER_HINT}`,
    );
  }
  const text = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= 17)) {
    throw new DevBrokerError(
      `The local Kafka broker needs Java 17 or newer; \`java -version\` says: ${text.split('\n')[0]}. ${DOCKER_HINT}`,
    );
  }
}

/** Maven is only needed for the first start, to download Kafka's jars. */
export function assertMaven(): void {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new DevBrokerError(
      `The local Kafka broker downloads Apache Kafka with Maven on its first start, and no \`mvn\` ` +
        `was found on PATH. Install Maven 3 (e.g. \`apt-get install maven\`). ${DOCKER_HINT}`,
    );
  }
}
