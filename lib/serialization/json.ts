import { Injectable } from '@nestjs/common';
import type { DeserializationInput, Deserializer, Serializer } from './serialization.interfaces.js';

/** The default deserializer: UTF-8 JSON; a tombstone (null value) gives `null`. */
@Injectable()
export class JsonDeserializer implements Deserializer {
  /** Parses the raw value as JSON; a tombstone gives `null`. */
  deserialize({ raw }: DeserializationInput): unknown {
    return raw === null ? null : JSON.parse(raw.toString('utf8'));
  }
}

/** The default serializer: objects to JSON; strings, Buffers and null go as they are. */
@Injectable()
export class JsonSerializer implements Serializer {
  /** Objects become JSON; strings, Buffers and `null` pass through. */
  serialize(payload: unknown): Buffer | string | null {
    if (payload === null || typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
    if (payload === undefined) {
      throw new TypeError('payload is undefined; use null for a tombstone');
    }
    // JSON.stringify gives undefined (not a string) for functions and symbols.
    const json = JSON.stringify(payload) as string | undefined;
    if (json === undefined) throw new TypeError(`a ${typeof payload} cannot be serialized to JSON`);
    return json;
  }
}

/** The payload is the UTF-8 text of the message. */
@Injectable()
export class StringDeserializer implements Deserializer<string | null> {
  /** The raw value as a UTF-8 string; a tombstone gives `null`. */
  deserialize({ raw }: DeserializationInput): string | null {
    return raw === null ? null : raw.toString('utf8');
  }
}

/** The payload is the raw Buffer, untouched. */
@Injectable()
export class RawDeserializer implements Deserializer<Buffer | null> {
  /** The raw bytes as they are; a tombstone gives `null`. */
  deserialize({ raw }: DeserializationInput): Buffer | null {
    return raw;
  }
}
