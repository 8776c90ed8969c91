import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEFAULT_BROKER_PORT,
  DEFAULT_KAFKA_VERSION,
} from '../../lib/dev-broker/dev-broker.options.js';

interface Service {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  command?: string;
  volumes?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Service>;
};
const readme = readFileSync('README.md', 'utf8');

describe('docker-compose.yml', () => {
  const kafka = compose.services.kafka!;
  const sample = compose.services.sample!;

  it('runs the official apache/kafka image, same version as the built-in broker', () => {
    expect(kafka.image).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`);
  });

  it('is a single KRaft node published on 127.0.0.1:9092', () => {
    expect(kafka.ports).toContain(`127.0.0.1:${DEFAULT_BROKER_PORT}:9092`);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain(
      'PLAINTEXT://127.0.0.1:9092',
    );
    expect(kafka.environment?.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
  });

  it('starts the sample only once Kafka is healthy, pointed at the in-network listener', () => {
    expect(sample.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain(
      `DOCKER://${sample.environment?.KAFKA_BROKERS}`,
    );
    expect(sample.command).toContain('npm start');
  });

  it("keeps the container's node_modules and builds out of the host's folders", () => {
    expect(sample.volumes).toEqual(
      expect.arrayContaining(['.:/app', '/app/node_modules', '/app/dist']),
    );
  });

  it('matches what README.md tells users to run', () => {
    expect(readme).toContain('docker compose up -d kafka');
    expect(readme).toContain('docker compose up');
  });
});
