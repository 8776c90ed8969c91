import { isStandardSchema } from '../validation/standard-schema.js';
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { CONFIG_DEFAULTS, type KarafkaConfig } from '../config/karafka-config.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import type { ConsumerGroupRoutes, Route } from '../routing/route.js';
import { RouteRegistry } from '../routing/route-registry.js';
import { thisModuleFile } from '../utils/module-file.js';
import { packageVersion } from '../utils/package-root.js';
import { withApp } from './boot.js';
import { describeRouteSchemas } from './route-schemas.js';
import { clusterLines, describeClusterOf, type ClusterDescription } from './cluster-description.js';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import { flatten, formatScalar, masked, plural, table } from './output.js';

/** `karafka info`: versions, routing and the effective configuration (secrets masked). */
export function infoCommand(): Command {
  return new Command('info')
    .description('print versions, consumer groups with their routes, and the effective config')
    .option('--json', 'print one JSON document instead of text')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withApp(command, { logger: ['error'] }, async (app) => {
        const config = app.get<symbol, KarafkaConfig>(KARAFKA_CONFIG);
        const table = app.get(RouteRegistry).table;
        const groups = table.groups;
        const schemas = await describeRouteSchemas(table.routes);
        const factory = app.get(KafkaClientFactory);
        // Asked once (a refused TLS or SASL handshake is named as such, never with secrets).
        const cluster = await describeClusterOf(
          factory.create('info', { retry: { retries: 1, initialRetryTime: 100 } }),
          (error) => factory.explainFailure(error, 'karafka info'),
        );
        console.log(
          flags.json
            ? JSON.stringify(infoJson(config, groups, schemas, cluster), null, 2)
            : infoText(config, groups, schemas, cluster),
        );
      });
    });
}

export function versions(): Record<string, string> {
  const require = createRequire(thisModuleFile());
  const versionOf = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'not found';
    }
  };
  return {
    'nestjs-karafka': packageVersion(),
    kafkajs: versionOf('kafkajs'),
    '@nestjs/core': versionOf('@nestjs/core'),
    node: process.versions.node,
  };
}

/** The config as shown: secrets masked, pluggable parts named, routes left to the routing section. */
export function displayedConfig(config: KarafkaConfig): Record<string, unknown> {
  const { topicMapper, deserializer, serializer, ...rest } = config;
  return masked({
    ...rest,
    topicMapper: pluggable(topicMapper, 'IdentityTopicMapper'),
    deserializer: pluggable(deserializer, 'JsonDeserializer'),
    serializer: pluggable(serializer, 'JsonSerializer'),
  }) as Record<string, unknown>;
}

function infoJson(
  config: KarafkaConfig,
  groups: readonly ConsumerGroupRoutes[],
  schemas: ReadonlyMap<Route, string>,
  cluster: ClusterDescription,
): unknown {
  return {
    versions: versions(),
    clientId: config.clientId,
    brokers: config.kafka.brokers,
    cluster,
    consumerGroups: groups.map((group) => ({
      id: group.id,
      name: group.name,
      routes: group.routes.map((route) => ({
        topic: route.topic,
        ...routeOptions(route, schemas),
      })),
    })),
    config: displayedConfig(config),
  };
}

function infoText(
  config: KarafkaConfig,
  groups: readonly ConsumerGroupRoutes[],
  schemas: ReadonlyMap<Route, string>,
  cluster: ClusterDescription,
): string {
  const lines: string[] = [];
  lines.push('Versions', table(Object.entries(versions()), '  '), '');
  lines.push(`Client id  ${config.clientId}`, `Brokers    ${config.kafka.brokers.join(', ')}`);
  lines.push(...clusterLines(cluster), '');
  lines.push(`Consumer groups (${groups.length})`);
  if (!groups.length) lines.push('  (none: no @Consumer classes among the providers)');
  for (const group of groups) {
    lines.push(`  ${group.id} (group "${group.name}", ${plural(group.routes.length, 'topic')})`);
    for (const route of group.routes) {
      const { consumer, ...options } = routeOptions(route, schemas);
      lines.push(`    ${route.topic} -> ${consumer}`);
      lines.push(
        table(
          Object.entries(options).map(([key, value]) => [key, formatScalar(value)]),
          '      ',
        ),
      );
    }
  }
  lines.push('', 'Effective config (defaults filled in)');
  const rows = flatten(displayedConfig(config)).map(([key, value]) => [
    key,
    value,
    isDefault(key, value) ? '(default)' : '',
  ]);
  lines.push(table(rows, '  '));
  return lines.join('\n');
}

function routeOptions(route: Route, schemas: ReadonlyMap<Route, string>): Record<string, unknown> {
  const options: Record<string, unknown> = {
    consumer: route.consumerClass.name,
    batch: route.batch,
    persistent: route.persistent,
    initialOffset: route.initialOffset,
    manualOffsets: route.manualOffsets,
    deserializer: route.deserializer.constructor.name,
  };
  const schema = schemas.get(route);
  if (schema !== undefined) options.schema = schema;
  if (route.pattern) {
    options.handler = `${route.pattern.kind === 'event' ? '@EventPattern' : '@MessagePattern'} (Nest)`;
  }
  if (route.kafkaTopic !== route.topic) options.kafkaTopic = route.kafkaTopic;
  if (route.payload) {
    options.payload = isStandardSchema(route.payload)
      ? `${route.payload['~standard'].vendor} schema`
      : route.payload.name;
  }
  if (route.config) options.topicConfig = masked(route.config);
  if (route.deadLetter) {
    options.deadLetter = `${route.deadLetter.topic} (after ${route.deadLetter.maxRetries} retries)`;
  }
  if (route.virtualPartitions) {
    const { max, distribution } = route.virtualPartitions;
    options.virtualPartitions = `up to ${max} (${distribution})`;
  }
  if (route.responders.length) {
    options.respondsTo = route.responders.map(
      (responder) =>
        `${responder.topic} (${responder.required ? 'required' : 'optional'}, ${responder.multiple ? 'multiple' : 'single'})`,
    );
  }
  return options;
}

function pluggable(value: object | undefined, fallback: string): string {
  if (value === undefined) return `${fallback} (default)`;
  return typeof value === 'function' ? (value as { name: string }).name : value.constructor.name;
}

function isDefault(path: string, shown: string): boolean {
  let node: unknown = CONFIG_DEFAULTS;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(segment in node)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return formatScalar(node) === shown;
}
