/** Files `karafka install` writes into a Nest project. */

export type TestFramework = 'vitest' | 'jest' | 'node';

/**
 * The suffix of relative import specifiers: ESM (`"type": "module"`) needs the `.js` of the
 * emitted file, CommonJS apps (what `nest new` of CLI 11 makes) write none.
 */
export type ImportSuffix = '.js' | '';

export function bootFileTemplate(suffix: ImportSuffix = '.js'): string {
  return `// The karafka CLI loads the app from the build of this file (package.json "karafka.boot").
export { AppModule as default } from './app.module${suffix}';
`;
}

export function exampleConsumerTemplate(): string {
  return `import { Injectable, Logger } from '@nestjs/common';
import { BaseConsumer, Consumer, type Messages } from 'nestjs-karafka';

export interface ExampleEvent {
  id: string;
  [field: string]: unknown;
}

/**
 * Consumes the \`example\` topic a batch at a time. Produce to it with
 * \`producer.produceSync({ topic: 'example', payload: { id: '1' } })\`.
 */
@Injectable()
@Consumer('example', { batch: true })
export class ExampleConsumer extends BaseConsumer<ExampleEvent> {
  private readonly logger = new Logger(ExampleConsumer.name);
  /** Ids seen by this instance (one instance per partition, kept across batches). */
  readonly seen: string[] = [];

  async consume(messages: Messages<ExampleEvent>): Promise<void> {
    for (const message of messages) {
      this.seen.push(message.payload.id);
    }
    this.logger.log(\`consumed \${messages.size} message(s), last id \${messages.last?.payload.id}\`);
  }
}
`;
}

const TEST_IMPORTS: Record<TestFramework, string> = {
  vitest: "import { describe, expect, it } from 'vitest';\n",
  jest: '',
  node: "import assert from 'node:assert/strict';\nimport { describe, it } from 'node:test';\n",
};

const TEST_ASSERTION: Record<TestFramework, string> = {
  vitest: "expect(consumer.seen).toEqual(['a', 'b']);",
  jest: "expect(consumer.seen).toEqual(['a', 'b']);",
  node: "assert.deepEqual(consumer.seen, ['a', 'b']);",
};

export function exampleConsumerSpecTemplate(
  framework: TestFramework,
  suffix: ImportSuffix = '.js',
): string {
  return `${TEST_IMPORTS[framework]}import { attachTestRuntime, createMessages } from 'nestjs-karafka/testing';
import { ExampleConsumer, type ExampleEvent } from './example.consumer${suffix}';

describe('ExampleConsumer', () => {
  it('consumes a batch', async () => {
    const consumer = new ExampleConsumer();
    // Records what the consumer asks of the framework (marks, responses) instead of doing it.
    attachTestRuntime(consumer, { topic: 'example' });
    await consumer.consume(createMessages<ExampleEvent>([{ id: 'a' }, { id: 'b' }], { topic: 'example' }));
    ${TEST_ASSERTION[framework]}
  });
});
`;
}

export function karafkaModuleCall(clientId: string): string[] {
  return [
    'KarafkaModule.forRoot({',
    `  clientId: '${clientId}',`,
    "  kafka: { brokers: [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'] },",
    '}),',
  ];
}

export const KARAFKA_IMPORT = "import { KarafkaModule } from 'nestjs-karafka';";
export function consumerImport(suffix: ImportSuffix = '.js'): string {
  return `import { ExampleConsumer } from './consumers/example.consumer${suffix}';`;
}
