import { Injectable } from '@nestjs/common';
import type {
  DeserializationInput,
  Deserializer,
} from '../serialization/serialization.interfaces.js';

const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [

/**
 * The default deserializer of pattern handlers: what Nest's Kafka transport does with a value
 * (`KafkaParser.decode`): JSON objects and arrays are parsed, any other text (or text that is
 * not valid JSON) stays a string, a value starting with a zero byte (a schema registry frame)
 * stays a Buffer, a tombstone is `null`. So `ClientKafka.emit('topic', 'text')` and
 * `emit('topic', { ... })` arrive as they did.
 */
@Injectable()
export class NestKafkaDeserializer implements Deserializer {
  /**
   * Decodes the raw value the way Nest's `KafkaParser` does, with one UTF-8 decode instead of
   * its two (the value is the hottest part of a one-message pattern call).
   */
  deserialize({ raw }: DeserializationInput): unknown {
    if (raw === null) return null;
    if (raw.length > 0 && raw[0] === 0) return raw;
    const text = raw.toString();
    const first = text.charCodeAt(0);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // Not JSON after all: Nest hands over the text.
      }
    }
    return text;
  }
}
