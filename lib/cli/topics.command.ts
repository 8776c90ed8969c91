import { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { createInterface } from 'node:readline/promises';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import { waitForLeaders } from '../connection/topic-leaders.js';
import { RouteRegistry } from '../routing/route-registry.js';
import { KarafkaError } from '../errors/karafka.error.js';
import type { Route } from '../routing/route.js';
import { withApp } from './boot.js';
import { describeRouteSchemas } from './route-schemas.js';
import { plural, table } from './output.js';
import {
  declarationText,
  declaredTopics,
  describeAction,
  describeUnderReplicated,
  planTopics,
  type DeclaredTopic,
  type TopicAction,
  type UnderReplicatedPartition,
} from './topics-plan.js';

interface TopicsFlags {
  dryRun?: boolean;
  yes?: boolean;
}

type TopicsTask = (
  admin: Admin,
  declared: DeclaredTopic[],
  flags: TopicsFlags,
  routes: readonly Route[],
) => Promise<void>;

/** `karafka topics list|create|migrate|delete`: the topics the routing declares, in Kafka. */
export function topicsCommand(): Command {
  const topics = new Command('topics').description(
    'manage the routed topics in Kafka (partitions, replication factor and settings from @Consumer(topic, { config }))',
  );
  topics
    .command('list')
    .description('show declared topics beside what the broker has')
    .action(run(list));
  topics
    .command('create')
    .description('create the declared topics that do not exist')
    .option('--dry-run', 'print the plan and change nothing')
    .action(run((admin, declared, flags) => apply(admin, declared, flags, { grow: false })));
  topics
    .command('migrate')
    .description(
      'create missing topics and add partitions where fewer than declared (never shrinks)',
    )
    .option('--dry-run', 'print the plan and change nothing')
    .action(run((admin, declared, flags) => apply(admin, declared, flags, { grow: true })));
  topics
    .command('delete')
    .description('delete the routed topics (asks for confirmation unless --yes)')
    .option('--dry-run', 'print what would be deleted and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(run(remove));
  return topics;
}

function run(task: TopicsTask) {
  return async (flags: TopicsFlags, command: Command): Promise<void> => {
    await withApp(command, { logger: ['error'] }, async (app) => {
      const routes = app.get(RouteRegistry).table.routes;
      const declared = declaredTopics(routes);
      if (!declared.length) {
        console.log('No routed topics: no @Consumer classes among the providers.');
        return;
      }
      const admin = app.get(KafkaClientFactory).create('admin').admin();
      await admin.connect();
      try {
        await task(admin, declared, flags, routes);
      } finally {
        await admin.disconnect();
      }
    });
  };
}

async function list(
  admin: Admin,
  declared: DeclaredTopic[],
  _flags: TopicsFlags,
  routes: readonly Route[],
): Promise<void> {
  const existing = await existingPartitions(admin, declared);
  // A SCHEMA column only when some route's deserializer describes one (a schema registry's).
  const described = await describeRouteSchemas(routes);
  const schemaOf = (topic: DeclaredTopic): string =>
    [
      ...new Set(
        routes
          .filter((route) => route.kafkaTopic === topic.name && described.has(route))
          .map((route) => described.get(route)!),
      ),
    ].join('; ') || '-';
  const rows = declared.map((topic) => {
    const partitions = existing.get(topic.name);
    const state =
      partitions === undefined
        ? 'missing (topics create)'
        : partitions < topic.partitions
          ? 'fewer partitions than declared (topics migrate)'
          : partitions > topic.partitions
            ? 'more partitions than declared (Kafka never shrinks)'
            : 'ok';
    return [
      topic.name,
      String(topic.partitions),
      partitions === undefined ? '-' : String(partitions),
      topic.replicationFactor === undefined ? 'default' : String(topic.replicationFactor),
      state,
      ...(described.size ? [schemaOf(topic)] : []),
    ];
  });
  const header = ['TOPIC', 'DECLARED', 'EXISTING', 'REPLICATION', 'STATE'];
  if (described.size) header.push('SCHEMA');
  console.log(table([header, ...rows]));
  await reportUnderReplicated(admin, declared);
}

async function apply(
  admin: Admin,
  declared: DeclaredTopic[],
  flags: TopicsFlags,
  options: { grow: boolean },
): Promise<void> {
  const plan = planTopics(declared, await existingPartitions(admin, declared), options);
  const changes = plan.filter((action) => action.kind === 'create' || action.kind === 'grow');
  console.log(`Plan (${plural(changes.length, 'change')}):`);
  console.log(plan.map((action) => `  ${describeAction(action)}`).join('\n'));
  if (flags.dryRun) {
    console.log('Dry run: nothing changed.');
    return;
  }
  for (const action of changes) await execute(admin, action);
  console.log(changes.length ? 'Done.' : 'Nothing to do.');
  await reportUnderReplicated(admin, declared);
}

/**
 * Names the declared topics' partitions with fewer in-sync replicas than replicas: with
 * `min.insync.replicas` 2 of 3, one more node down makes produces with acks all fail.
 */
async function reportUnderReplicated(admin: Admin, declared: DeclaredTopic[]): Promise<void> {
  const names = new Set(await admin.listTopics());
  const present = declared.map((topic) => topic.name).filter((name) => names.has(name));
  if (!present.length) return;
  const metadata = await freshMetadata(admin, present);
  if (!metadata) {
    console.log('Could not read the replicas of the topics yet; run `karafka topics list` again.');
    return;
  }
  const under: UnderReplicatedPartition[] = metadata.topics.flatMap((topic) =>
    topic.partitions
      .filter((partition) => partition.isr.length < partition.replicas.length)
      .map((partition) => ({
        topic: topic.name,
        partition: partition.partitionId,
        replicas: partition.replicas,
        isr: partition.isr,
      })),
  );
  for (const partition of under) console.log(describeUnderReplicated(partition));
}

async function execute(admin: Admin, action: TopicAction): Promise<void> {
  const { topic } = action;
  if (action.kind === 'create') {
    // Not kafkajs' waitForLeaders: see connection/topic-leaders.ts.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.settings).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    await waitForLeaders(admin, [{ name: topic.name, partitions: topic.partitions }]);
    console.log(`created ${topic.name} (${declarationText(topic)})`);
  } else if (action.kind === 'grow') {
    await admin.createPartitions({
      topicPartitions: [{ topic: topic.name, count: topic.partitions }],
    });
    console.log(`grew ${topic.name} from ${action.from} to ${topic.partitions} partitions`);
  }
}

async function remove(admin: Admin, declared: DeclaredTopic[], flags: TopicsFlags): Promise<void> {
  const existing = await existingPartitions(admin, declared);
  const doomed = declared.filter((topic) => existing.has(topic.name)).map((topic) => topic.name);
  const absent = declared.filter((topic) => !existing.has(topic.name)).map((topic) => topic.name);
  console.log(`Plan (${plural(doomed.length, 'topic')} to delete):`);
  for (const name of doomed) console.log(`  delete  ${name}`);
  for (const name of absent) console.log(`  skip    ${name} (does not exist)`);
  if (flags.dryRun) {
    console.log('Dry run: nothing changed.');
    return;
  }
  if (!doomed.length) {
    console.log('Nothing to do.');
    return;
  }
  if (
    !flags.yes &&
    !(await confirm(`Delete ${plural(doomed.length, 'topic')} and their messages?`))
  ) {
    console.log('Nothing deleted.');
    return;
  }
  for (const name of doomed) {
    await admin.deleteTopics({ topics: [name] });
    console.log(`deleted ${name}`);
  }
  console.log('Done.');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new KarafkaError(
      'Refusing to delete topics without confirmation: stdin is not a terminal. Pass --yes.',
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`${question} Type "yes" to confirm: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    prompt.close();
  }
}

/** Partition counts of the declared topics that exist. */
async function existingPartitions(
  admin: Admin,
  declared: readonly DeclaredTopic[],
): Promise<Map<string, number>> {
  const names = new Set(await admin.listTopics());
  const present = declared.map((topic) => topic.name).filter((name) => names.has(name));
  if (!present.length) return new Map();
  const metadata = await admin.fetchTopicMetadata({ topics: present });
  return new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
}

/**
 * Topic metadata, asked again for a few seconds: right after a create, a broker that has not
 * applied it yet answers "does not host this topic-partition".
 */
async function freshMetadata(
  admin: Admin,
  topics: string[],
): Promise<Awaited<ReturnType<Admin['fetchTopicMetadata']>> | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await admin.fetchTopicMetadata({ topics });
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return undefined;
}
