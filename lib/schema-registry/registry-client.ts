import { SchemaRegistryError } from './schema-registry.error.js';
import type { SchemaRegistryModuleOptions } from './schema-registry.options.js';

/** The parts of `@kafkajs/confluent-schema-registry`'s client this integration uses. */
export interface RegistryClient {
  getSchema(registryId: number): Promise<unknown>;
  encode(registryId: number, payload: unknown): Promise<Buffer>;
  decode(buffer: Buffer, options?: Record<string, { readerSchema?: unknown }>): Promise<unknown>;
}

interface RegistryClientModule {
  SchemaRegistry: new (
    args: { host: string; auth?: { username: string; password: string }; clientId?: string },
    options?: Record<string, unknown>,
  ) => RegistryClient;
}

const PEER = '@kafkajs/confluent-schema-registry';

/**
 * Loads the optional peer on first use: an app that does not use the schema registry never
 * installs or loads it. Works from both builds (`import()` of a CommonJS package).
 */
export async function loadRegistryClient(
  options: SchemaRegistryModuleOptions,
): Promise<RegistryClient> {
  let loaded: RegistryClientModule;
  try {
    loaded = (await import(PEER)) as RegistryClientModule;
  } catch (error) {
    throw new SchemaRegistryError(
      `The schema registry integration needs the package ${PEER}: npm install ${PEER}`,
      { cause: error },
    );
  }
  const SchemaRegistry =
    loaded.SchemaRegistry ??
    (loaded as unknown as { default: RegistryClientModule }).default.SchemaRegistry;
  return new SchemaRegistry(
    {
      host: options.url.replace(/\/+$/, ''),
      ...(options.auth ? { auth: { ...options.auth } } : {}),
      clientId: 'nestjs-karafka',
    },
    // Avro unions decode as plain values (not { type: value } wrappers), like other clients.
    { forSchemaOptions: { wrapUnions: false } },
  );
}
