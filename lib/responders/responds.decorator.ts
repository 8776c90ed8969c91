import { RESPONDS_METADATA } from '../routing/constants.js';
import type { ResponderDeclaration, RespondsOptions } from './responder-declaration.js';

/**
 * Declares a topic this consumer produces to with `this.respondTo(topic, payload)`.
 * `required` (default true): every `consume` call must respond to it.
 * `multiple` (default false): more than one response per `consume` call is allowed.
 * Stackable. Only stores metadata.
 */
export function Responds(topic: string, options: RespondsOptions = {}): ClassDecorator {
  return (target) => {
    const existing =
      (Reflect.getOwnMetadata(RESPONDS_METADATA, target) as ResponderDeclaration[] | undefined) ??
      [];
    const declaration: ResponderDeclaration = {
      topic,
      required: options.required ?? true,
      multiple: options.multiple ?? false,
      serializer: options.serializer,
    };
    // Decorators apply bottom-up; unshift keeps the order in which they are written.
    Reflect.defineMetadata(RESPONDS_METADATA, [declaration, ...existing], target);
  };
}
