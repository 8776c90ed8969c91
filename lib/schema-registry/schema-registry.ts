import { Inject, Injectable } from '@nestjs/common';
import { loadRegistryClient, type RegistryClient } from './registry-client.js';
import {
  SchemaRegistrationError,
  SchemaRegistryError,
  SchemaValidationError,
} from './schema-registry.error.js';
import type {
  SchemaDefinition,
  SchemaFormat,
  SchemaRegistryModuleOptions,
} from './schema-registry.options.js';
import { schemaText } from './subject-names.js';

/** Injection token of the options given to `SchemaRegistryModule.forRoot()`. */
export const SCHEMA_REGISTRY_OPTIONS = Symbol('karafka.schemaRegistryOptions');

const MAGIC_BYTE = 0;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The latest version of a subject, as the registry tells it. */
export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly format: SchemaFormat;
}

/**
 * The schema registry as the serializers and deserializers use it. Schemas are cached by id
 * (one HTTP call per new id, however many messages arrive with it at once, and a failed fetch
 * is tried again later); schema ids per subject and schema likewise. Encoding and decoding
 * (Avro, Protobuf, JSON Schema) are done by `@kafkajs/confluent-schema-registry`, loaded on
 * first use.
 */
@Injectable()
export class SchemaRegistry {
  private client?: Promise<RegistryClient>;
  private readonly schemas = new Map<number, Promise<unknown>>();
  /** Schemas fetched, by id: a cached schema decodes without a promise. */
  private readonly decoders = new Map<number, { fromBuffer(payload: Buffer): unknown }>();
  private readonly ids = new Map<string, Promise<number>>();

  constructor(@Inject(SCHEMA_REGISTRY_OPTIONS) readonly options: SchemaRegistryModuleOptions) {}

  /**
   * Decodes a message in the Confluent wire format (magic byte 0, 4-byte schema id, payload):
   * at once when the schema is cached, else a promise (one registry request per schema id).
   */
  decode(bytes: Buffer, readerSchema?: string | object): unknown {
    const id = wireSchemaId(bytes);
    if (readerSchema === undefined) {
      const decoder = this.decoders.get(id);
      if (decoder) return decoder.fromBuffer(bytes.subarray(5));
    }
    return this.fetchAndDecode(bytes, id, readerSchema);
  }

  private async fetchAndDecode(
    bytes: Buffer,
    id: number,
    readerSchema: string | object | undefined,
  ): Promise<unknown> {
    const client = await this.loadClient();
    await this.schemaById(id, client);
    return client.decode(
      bytes,
      readerSchema === undefined ? undefined : { AVRO: { readerSchema: parsed(readerSchema) } },
    );
  }

  /** Encodes a payload with the schema `id` (validated against it) for `subject`. */
  async encode(subject: string, id: number, payload: unknown): Promise<Buffer> {
    const client = await this.loadClient();
    await this.schemaById(id, client);
    try {
      return await client.encode(id, payload);
    } catch (error) {
      throw validationError(subject, error);
    }
  }

  /**
   * The schema id to encode `subject` with: `schema`'s id in that subject (registered first
   * when `register` is true), or, without a schema, the subject's latest version.
   */
  idFor(subject: string, schema: SchemaDefinition | undefined, register: boolean): Promise<number> {
    const key = schema ? `${subject}\u0000${schema.format}\u0000${schemaText(schema)}` : subject;
    let id = this.ids.get(key);
    if (!id) {
      id = schema
        ? register
          ? this.register(subject, schema)
          : this.lookup(subject, schema)
        : this.latest(subject).then((version) => version.id);
      this.ids.set(key, id);
      // A failure is not cached: the next message asks again.
      id.catch(() => this.ids.delete(key));
    }
    return id;
  }

  /** Registers `schema` under `subject`; the registry's refusal is a SchemaRegistrationError. */
  async register(subject: string, schema: SchemaDefinition): Promise<number> {
    const body: Record<string, string> = { schema: schemaText(schema) };
    if (schema.format !== 'AVRO') body.schemaType = schema.format;
    const response = await this.request(`/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new SchemaRegistrationError(subject, response.status, await registryMessage(response));
    }
    return ((await response.json()) as { id: number }).id;
  }

  /** The subject's latest version. */
  async latest(subject: string): Promise<SubjectVersion> {
    const response = await this.request(`/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (!response.ok) {
      throw new SchemaRegistryError(
        `subject "${subject}" has no schema in the registry (HTTP ${response.status}: ` +
          `${await registryMessage(response)}); register one, or give the serializer a schema with autoRegister`,
      );
    }
    const found = (await response.json()) as {
      subject: string;
      version: number;
      id: number;
      schemaType?: SchemaFormat;
    };
    return { subject, version: found.version, id: found.id, format: found.schemaType ?? 'AVRO' };
  }

  private async lookup(subject: string, schema: SchemaDefinition): Promise<number> {
    const body: Record<string, string> = { schema: schemaText(schema) };
    if (schema.format !== 'AVRO') body.schemaType = schema.format;
    const response = await this.request(`/subjects/${encodeURIComponent(subject)}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new SchemaRegistryError(
        `the schema is not registered under subject "${subject}" (HTTP ${response.status}: ` +
          `${await registryMessage(response)}); register it, or set autoRegister: true`,
      );
    }
    return ((await response.json()) as { id: number }).id;
  }

  private schemaById(id: number, client: RegistryClient): Promise<unknown> {
    let schema = this.schemas.get(id);
    if (!schema) {
      schema = client.getSchema(id).then(
        (found) => {
          if (typeof (found as { fromBuffer?: unknown }).fromBuffer === 'function') {
            this.decoders.set(id, found as { fromBuffer(payload: Buffer): unknown });
          }
          return found;
        },
        (error: unknown) => {
          this.schemas.delete(id);
          const status = (error as { status?: number }).status;
          throw new SchemaRegistryError(
            status === 404
              ? `schema id ${id} is not in the schema registry at ${this.options.url}`
              : `fetching schema id ${id} from ${this.options.url} failed: ${reasonOf(error)}`,
            { cause: error },
          );
        },
      );
      this.schemas.set(id, schema);
    }
    return schema;
  }

  private loadClient(): Promise<RegistryClient> {
    this.client ??= loadRegistryClient(this.options);
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE };
    const { auth } = this.options;
    if (auth) {
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    try {
      return await fetch(`${this.options.url.replace(/\/+$/, '')}${path}`, { ...init, headers });
    } catch (error) {
      throw new SchemaRegistryError(
        `the schema registry at ${this.options.url} cannot be reached: ${reasonOf(error)}`,
        { cause: error },
      );
    }
  }
}

/** The schema id of a message in the Confluent wire format; a clear error for anything else. */
function wireSchemaId(bytes: Buffer): number {
  if (bytes.length < 5 || bytes[0] !== MAGIC_BYTE) {
    const first = bytes.length ? `0x${bytes[0]!.toString(16).padStart(2, '0')}` : 'nothing';
    throw new SchemaRegistryError(
      `not in the schema registry wire format (${bytes.length < 5 ? `${bytes.length} bytes, fewer than the 5-byte header` : `first byte ${first}, expected magic byte 0x00`}); ` +
        `was it produced without a schema registry serializer?`,
    );
  }
  return bytes.readInt32BE(1);
}

function validationError(subject: string, error: unknown): Error {
  const paths = (error as { paths?: unknown }).paths;
  const fields = Array.isArray(paths)
    ? paths.map((path) => (Array.isArray(path) ? path.join('.') : String(path)))
    : [];
  return new SchemaValidationError(subject, fields, reasonOf(error));
}

async function registryMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string; error_code?: number };
    return body.message ?? text;
  } catch {
    return text || response.statusText;
  }
}

function parsed(schema: string | object): object {
  return typeof schema === 'string' ? (JSON.parse(schema) as object) : schema;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
