import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, uniqueName, withAdmin } from '../support/kafka.js';
import { ensureBuilt, fixture, runCli } from './cli-runner.js';

/** Partition counts of the topics that exist, by name. */
async function partitions(topics: string[]): Promise<Map<string, number>> {
  return withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (!present.length) return new Map();
    const metadata = await admin.fetchTopicMetadata({ topics: present });
    return new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
  });
}

describe('karafka topics', () => {
  // Routes `alpha` and `beta` under a PrefixTopicMapper: Kafka names are `<prefix>.alpha|beta`.
  const prefix = uniqueName('cli-topics');
  const alpha = `${prefix}.alpha`;
  const beta = `${prefix}.beta`;
  const topics = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--boot', fixture('topics-app.js'), 'topics', ...args], {
      env: { FIXTURE_PREFIX: prefix, ...env },
    });

  beforeAll(() => ensureBuilt());

  it('migrate --dry-run prints the plan and creates nothing', async () => {
    const result = await topics(['migrate', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan (2 changes):');
    expect(result.stdout).toContain(
      `  create  ${alpha} (1 partition, the broker's default replication factor)`,
    );
    expect(result.stdout).toContain(
      `  create  ${beta} (2 partitions, the broker's default replication factor, retention.ms=3600000)`,
    );
    expect(result.stdout).toContain('Dry run: nothing changed.');
    expect(await partitions([alpha, beta])).toEqual(new Map());
  });

  it('list shows the missing topics', async () => {
    const result = await topics(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TOPIC +DECLARED +EXISTING +REPLICATION +STATE$/m);
    expect(result.stdout).toMatch(new RegExp(`^${alpha} +1 +- +default +missing`, 'm'));
  });

  it('migrate creates the declared topics with their settings', async () => {
    const result = await topics(['migrate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `created ${alpha} (1 partition, the broker's default replication factor)`,
    );
    expect(result.stdout).toContain(`created ${beta} (2 partitions`);
    expect(await partitions([alpha, beta])).toEqual(
      new Map([
        [alpha, 1],
        [beta, 2],
      ]),
    );
    const retention = await withAdmin(async (admin) => {
      const described = await admin.describeConfigs({
        resources: [{ type: 2, name: beta, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      return described.resources[0]!.configEntries[0]!.configValue;
    });
    expect(retention).toBe('3600000');
  });

  it('migrate grows partitions when the declaration has more, dry run first', async () => {
    const env = { ALPHA_PARTITIONS: '3' };
    const dry = await topics(['migrate', '--dry-run'], env);
    expect(dry.stdout).toContain('Plan (1 change):');
    expect(dry.stdout).toContain(`  grow    ${alpha} from 1 to 3 partitions`);
    expect(dry.stdout).toContain(`  keep    ${beta} (2 partitions, as declared)`);
    expect((await partitions([alpha])).get(alpha)).toBe(1);

    const listed = await topics(['list'], env);
    expect(listed.stdout).toMatch(new RegExp(`^${alpha} +3 +1 +default +fewer partitions`, 'm'));

    const result = await topics(['migrate'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`grew ${alpha} from 1 to 3 partitions`);
    expect((await partitions([alpha])).get(alpha)).toBe(3);
  });

  it('create does not grow, and nothing ever shrinks', async () => {
    const create = await topics(['create'], { ALPHA_PARTITIONS: '4' });
    expect(create.stdout).toContain('Plan (0 changes):');
    expect(create.stdout).toContain(
      `keep    ${alpha} (3 partitions, 4 declared: run \`karafka topics migrate\``,
    );
    expect(create.stdout).toContain('Nothing to do.');

    const shrink = await topics(['migrate'], { ALPHA_PARTITIONS: '1' });
    expect(shrink.code).toBe(0);
    expect(shrink.stdout).toContain(
      `keep    ${alpha} (3 partitions, 1 declared: Kafka never shrinks a topic`,
    );
    expect((await partitions([alpha])).get(alpha)).toBe(3);
  });

  it('delete refuses without --yes when stdin is not a terminal', async () => {
    const result = await topics(['delete']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stdin is not a terminal. Pass --yes.');
    expect((await partitions([alpha, beta])).size).toBe(2);
  });

  it('delete --dry-run changes nothing; delete --yes deletes the routed topics', async () => {
    const dry = await topics(['delete', '--dry-run']);
    expect(dry.stdout).toContain(`  delete  ${alpha}`);
    expect(dry.stdout).toContain('Dry run: nothing changed.');
    expect((await partitions([alpha, beta])).size).toBe(2);

    const result = await topics(['delete', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`deleted ${alpha}`);
    expect(result.stdout).toContain(`deleted ${beta}`);
    const listed = () => withAdmin((admin) => admin.listTopics());
    await eventually(
      async () => !(await listed()).some((topic) => topic === alpha || topic === beta),
      30_000,
      'the topics to be deleted',
    );
  });
});
