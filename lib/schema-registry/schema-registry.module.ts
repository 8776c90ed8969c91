import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SchemaRegistry, SCHEMA_REGISTRY_OPTIONS } from './schema-registry.js';
import { SchemaRegistryDeserializer } from './schema-registry.deserializer.js';
import { SchemaRegistryError } from './schema-registry.error.js';
import type { SchemaRegistryModuleOptions } from './schema-registry.options.js';
import { SchemaRegistrySerializer } from './schema-registry.serializer.js';

const KNOWN = new Set(['url', 'auth', 'autoRegister', 'subjectStrategy']);
const STRATEGIES = new Set(['topic', 'record', 'topic-record']);

/**
 * The schema registry integration (`nestjs-karafka/schema-registry`): a global module that
 * provides SchemaRegistry and the wire-format serializer and deserializer. Needs the optional
 * peer `@kafkajs/confluent-schema-registry`, loaded on first use.
 */
@Global()
@Module({})
export class SchemaRegistryModule {
  /** Configures the registry client; every wrong option is named in one error at boot. */
  static forRoot(options: SchemaRegistryModuleOptions): DynamicModule {
    validate(options);
    return {
      module: SchemaRegistryModule,
      providers: [
        { provide: SCHEMA_REGISTRY_OPTIONS, useValue: Object.freeze({ ...options }) },
        SchemaRegistry,
        SchemaRegistryDeserializer,
        SchemaRegistrySerializer,
      ],
      exports: [
        SCHEMA_REGISTRY_OPTIONS,
        SchemaRegistry,
        SchemaRegistryDeserializer,
        SchemaRegistrySerializer,
      ],
    };
  }
}

function validate(options: SchemaRegistryModuleOptions): void {
  const problems: string[] = [];
  if (!options || typeof options !== 'object') {
    throw new SchemaRegistryError(
      "SchemaRegistryModule.forRoot() needs options: { url: 'http://127.0.0.1:8081' }",
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) problems.push(`${key}: unknown option (known: ${[...KNOWN].join(', ')})`);
  }
  if (typeof options.url !== 'string' || !/^https?:\/\/[^/]/.test(options.url)) {
    problems.push(`url: must be the registry's http(s) URL, got ${JSON.stringify(options.url)}`);
  }
  const { auth } = options;
  if (
    auth !== undefined &&
    (typeof auth?.username !== 'string' || typeof auth?.password !== 'string')
  ) {
    problems.push('auth: must be { username, password } (strings)');
  }
  if (options.autoRegister !== undefined && typeof options.autoRegister !== 'boolean') {
    problems.push('autoRegister: must be a boolean');
  }
  const strategy = options.subjectStrategy as unknown;
  if (
    strategy !== undefined &&
    typeof strategy !== 'function' &&
    !STRATEGIES.has(strategy as string)
  ) {
    problems.push(`subjectStrategy: must be 'topic', 'record', 'topic-record' or a function`);
  }
  if (problems.length) {
    throw new SchemaRegistryError(
      `Invalid SchemaRegistryModule options:\n  - ${problems.join('\n  - ')}`,
    );
  }
}
