import kafkajs from 'kafkajs';
import {
  isAcks,
  isCompressionName,
  type Acks,
  type CompressionName,
} from '../config/kafka-rules.js';
import type { ProducerVariantOptions } from './producer-message.js';
import { InvalidProducerOptionsError } from './producer.error.js';

/** What a producer variant sends with: kafkajs takes both per request. */
export interface SendSettings {
  readonly acks: Acks;
  readonly compression: CompressionName;
  /** kafkajs' number for `compression`. */
  readonly codec: number;
  /** Identifies the variant: same settings, same variant. */
  readonly key: string;
}

const CODECS: Record<CompressionName, number> = {
  none: kafkajs.CompressionTypes.None,
  gzip: kafkajs.CompressionTypes.GZIP,
  snappy: kafkajs.CompressionTypes.Snappy,
  lz4: kafkajs.CompressionTypes.LZ4,
  zstd: kafkajs.CompressionTypes.ZSTD,
};

/** Checks and completes send settings; `idempotent` producers only send with acks -1. */
export function sendSettings(
  base: { acks: Acks; compression: CompressionName },
  overrides: ProducerVariantOptions,
  idempotent: boolean,
): SendSettings {
  if (overrides === null || typeof overrides !== 'object') {
    throw new InvalidProducerOptionsError(
      'producer.with() needs an object { acks?, compression? }',
    );
  }
  const unknown = Object.keys(overrides).filter((key) => key !== 'acks' && key !== 'compression');
  if (unknown.length) {
    throw new InvalidProducerOptionsError(
      `producer.with(): ${unknown.join(', ')} cannot be changed per variant; only acks and compression can`,
    );
  }
  const acks = overrides.acks ?? base.acks;
  const compression = overrides.compression ?? base.compression;
  if (!isAcks(acks)) {
    throw new InvalidProducerOptionsError(
      `acks must be -1 (all), 0 or 1, got ${JSON.stringify(acks)}`,
    );
  }
  if (!isCompressionName(compression)) {
    throw new InvalidProducerOptionsError(
      `compression must be one of ${Object.keys(CODECS).join(', ')}, got ${JSON.stringify(compression)}`,
    );
  }
  if (idempotent && acks !== -1) {
    throw new InvalidProducerOptionsError(
      `acks ${acks} is not allowed: the producer is idempotent (producer.idempotent), which needs acks -1`,
    );
  }
  const codec = CODECS[compression];
  checkCodec(compression, codec);
  return { acks, compression, codec, key: `${acks}/${compression}` };
}

/** kafkajs ships gzip only; the others throw until a codec is registered with kafkajs. */
function checkCodec(compression: CompressionName, codec: number): void {
  if (codec === kafkajs.CompressionTypes.None) return;
  const codecs = kafkajs.CompressionCodecs as Record<number, () => unknown>;
  try {
    codecs[codec]!();
  } catch (error) {
    throw new InvalidProducerOptionsError(
      `compression "${compression}" needs a codec registered with kafkajs first ` +
        `(CompressionCodecs[CompressionTypes.${Object.keys(kafkajs.CompressionTypes).find(
          (name) => (kafkajs.CompressionTypes as unknown as Record<string, number>)[name] === codec,
        )}] = ...): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
