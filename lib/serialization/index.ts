export { JsonDeserializer, JsonSerializer, RawDeserializer, StringDeserializer } from './json.js';
export type { DeserializationInput, Deserializer, Serializer } from './serialization.interfaces.js';
