/**
 * Base class of every error nestjs-karafka throws on purpose, so that callers can tell our
 * errors (wrong config, bad routing, rejected messages) apart from driver or user errors.
 */
export class KarafkaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
