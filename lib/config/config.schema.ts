import { Type } from 'class-transformer';
import {
  Allow,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ACKS, COMPRESSIONS, ISOLATION_LEVELS, KAFKA_NAME_PATTERN } from './kafka-rules.js';

// Schemas used only to validate KarafkaModuleOptions. They mirror the interfaces in
// karafka-options.ts; `forbidNonWhitelisted` turns every unknown key into a named error.
// Only the first failing check of a property is reported (see flatten() in karafka-config.ts),
// in the order written here: write the type check first, then the range checks.
// Each broker is checked in karafka-config.ts, so that the message names its index.

export const BROKER_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/;

class KafkaSchema {
  @IsDefined({ message: 'is required: a list of "host:port" strings' })
  @IsArray({ message: 'must be an array of "host:port" strings' })
  @ArrayNotEmpty({ message: 'must list at least one broker' })
  brokers!: string[];

  @IsOptional() @Allow() ssl?: unknown;
  @IsOptional()
  @IsObject({ message: 'must be an object { mechanism, username, password }' })
  sasl?: unknown;
  @IsOptional()
  @IsInt({ message: 'must be a whole number of ms' })
  @Min(1)
  connectionTimeout?: number;
  @IsOptional() @IsInt({ message: 'must be a whole number of ms' }) @Min(1) requestTimeout?: number;
  @IsOptional() @IsObject() retry?: unknown;
}

class ConsumerSchema {
  @IsOptional() @IsInt() @Min(1) sessionTimeout?: number;
  @IsOptional() @IsInt() @Min(1) heartbeatInterval?: number;
  @IsOptional() @IsInt() @Min(1) rebalanceTimeout?: number;
  @IsOptional() @IsInt() @Min(1) maxBytes?: number;
  @IsOptional() @IsInt() @Min(1) maxBytesPerPartition?: number;
  @IsOptional() @IsInt() @Min(0) minBytes?: number;
  @IsOptional() @IsInt() @Min(0) maxWaitTime?: number;
  @IsOptional()
  @IsIn([...ISOLATION_LEVELS], { message: "must be 'read_committed' or 'read_uncommitted'" })
  isolationLevel?: string;
}

class PauseSchema {
  @IsOptional() @IsInt() @Min(0) timeout?: number;
  @IsOptional() @IsInt() @Min(0) maxTimeout?: number;
  @IsOptional() @IsBoolean() exponentialBackoff?: boolean;
}

class CommitSchema {
  @IsOptional() @IsInt() @Min(0) interval?: number;
  @IsOptional() @IsInt() @Min(0) threshold?: number;
}

class ProducerSchema {
  @IsOptional() @IsIn([...ACKS], { message: 'must be -1 (all), 0 or 1' }) acks?: number;
  @IsOptional() @IsBoolean() idempotent?: boolean;
  @IsOptional() @IsIn([...COMPRESSIONS]) compression?: string;
  @IsOptional() @IsInt() @Min(0) lingerMs?: number;
  @IsOptional() @IsInt() @Min(1) batchSize?: number;
  @IsOptional() @IsInt() @Min(1) maxPayloadSize?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) retries?: number;
  @IsOptional()
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  transactionalId?: string;
}

export class KarafkaOptionsSchema {
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @Matches(KAFKA_NAME_PATTERN, { message: 'may only hold letters, digits, ".", "_" and "-"' })
  clientId!: string;

  @IsDefined({ message: 'is required: { brokers: ["host:port"] }' })
  @IsObject({ message: 'must be an object { brokers: ["host:port"] }' })
  @ValidateNested()
  @Type(() => KafkaSchema)
  kafka!: KafkaSchema;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => ConsumerSchema) consumer?: ConsumerSchema;
  @IsOptional() @IsIn(['earliest', 'latest']) initialOffset?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) concurrency?: number;
  @IsOptional() @IsBoolean() automaticallyMarkAsConsumed?: boolean;
  @IsOptional() @IsBoolean() consumerPersistence?: boolean;
  @IsOptional() @IsString() @Matches(KAFKA_NAME_PATTERN) patternGroupId?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => PauseSchema) pause?: PauseSchema;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CommitSchema) commit?: CommitSchema;
  @IsOptional() @IsInt() @Min(0) shutdownTimeout?: number;
  @IsOptional() @Allow() topicMapper?: unknown;
  @IsOptional() @Allow() deserializer?: unknown;
  @IsOptional() @Allow() serializer?: unknown;
  @IsOptional() @IsArray() routes?: unknown[];
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ProducerSchema) producer?: ProducerSchema;
  @IsOptional() @IsBoolean() logger?: boolean;
}
