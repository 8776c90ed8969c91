const BRAND = Symbol.for('nestjs-karafka:KarafkaError');

/**
 * Base class of every error nestjs-karafka throws on purpose, so that callers can tell our
 * errors (wrong config, bad routing, rejected messages) apart from driver or user errors.
 */
export class KarafkaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `error instanceof KarafkaError` also holds for an error of the other build (CommonJS vs
   * ESM) of this package, e.g. thrown by an app's copy and caught by the CLI's. Subclasses keep
   * the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === KarafkaError && typeof value === 'object' && value !== null && BRAND in value)
      return true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
