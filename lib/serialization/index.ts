export { JsonDeserializer, JsonSerializer, RawDeserializer, StringDeserializer } from './json.js';
export type {
  DeserializationInput,
  Deserializer,
  SchemaDescription,
  SerializationContext,
  Serializer,
} from './serialization.interfaces.js';
