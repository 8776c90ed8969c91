import type { Type } from '@nestjs/common';
import type { Serializer } from '../serialization/serialization.interfaces.js';

/** `@Responds(topic, options)` options. */
export interface RespondsOptions {
  /** Every `consume` call must respond to this topic. Default true. */
  required?: boolean;
  /** More than one response per `consume` call is allowed. Default false. */
  multiple?: boolean;
  /** Serializer of this topic's payloads. Default: the module's (JSON). */
  serializer?: Serializer | Type<Serializer>;
}

/** A topic a consumer declared with `@Responds`, as the route keeps it. */
export interface ResponderDeclaration {
  readonly topic: string;
  readonly required: boolean;
  readonly multiple: boolean;
  readonly serializer?: Serializer | Type<Serializer>;
}
