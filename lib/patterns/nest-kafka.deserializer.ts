import { Injectable } from '@nestjs/common';
import { KafkaParser } from '@nestjs/microservices';
import type {
  DeserializationInput,
  Deserializer,
} from '../serialization/serialization.interfaces.js';

/**
 * The default deserializer of pattern handlers: what Nest's Kafka transport does with a value
 * (`KafkaParser`): JSON objects and arrays are parsed, any other text stays a string, a value
 * starting with a zero byte (a schema registry frame) stays a Buffer, a tombstone is `null`.
 * So `ClientKafka.emit('topic', 'text')` and `emit('topic', { ... })` arrive as they did.
 */
@Injectable()
export class NestKafkaDeserializer implements Deserializer {
  private readonly parser = new KafkaParser();

  /** Decodes the raw value the way Nest's `KafkaParser` does. */
  deserialize({ raw }: DeserializationInput): unknown {
    return raw === null ? null : this.parser.decode(raw);
  }
}
