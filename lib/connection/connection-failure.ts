import type { KafkaConnectionOptions } from '../config/karafka-options.js';
import { KafkaAuthenticationError, KafkaTlsError } from './connection.error.js';

const TLS_FAILURE =
  /certificate|self[- ]signed|unable to verify|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|ssl3?_|wrong version number|handshake|altnames/i;

/**
 * Turns a kafkajs connection failure into an error that says what to fix: which client, which
 * brokers, which mechanism and user, never the password. Other errors are returned unchanged.
 */
export function explainConnectionFailure(
  error: unknown,
  kafka: KafkaConnectionOptions,
  who: string,
): unknown {
  const chain = causes(error);
  const brokers = kafka.brokers.join(', ');
  const sasl = kafka.sasl;
  const rejected = chain.find(
    (e) =>
      e.name === 'KafkaJSSASLAuthenticationError' ||
      (e as { type?: string }).type === 'UNSUPPORTED_SASL_MECHANISM' ||
      (e as { type?: string }).type === 'SASL_AUTHENTICATION_FAILED',
  );
  if (rejected && sasl) {
    const user = 'username' in sasl ? ` as user "${sasl.username}"` : '';
    return new KafkaAuthenticationError(
      mask(
        `${who} could not authenticate to ${brokers} with SASL ${sasl.mechanism.toUpperCase()}${user}: ` +
          `${rejected.message}. Check kafka.sasl (mechanism, username, password); ` +
          'the broker must enable that mechanism on this listener.',
        kafka,
      ),
      { cause: error },
    );
  }
  const tls = chain.find((e) => TLS_FAILURE.test(`${e.message} ${(e as { code?: string }).code}`));
  if (tls) {
    const reason = tls.message.replace(/^Connection error: /, '');
    const hint = kafka.ssl
      ? "the broker's certificate is not trusted or does not match its address: pass the CA " +
        'that signed it as kafka.ssl.ca (e.g. { ca: [readFileSync("ca.pem")] })'
      : 'the broker speaks TLS: set kafka.ssl (true, or { ca } for a private CA)';
    return new KafkaTlsError(
      mask(`${who} could not open a TLS connection to ${brokers}: ${reason}; ${hint}.`, kafka),
      { cause: error },
    );
  }
  return error;
}

/** The error and what caused it, outermost first (kafkajs wraps the real failure in retries). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** A broker's message never holds the password, but a message we build must not either. */
function mask(text: string, kafka: KafkaConnectionOptions): string {
  const sasl = kafka.sasl as { password?: unknown } | undefined;
  const password = typeof sasl?.password === 'string' ? sasl.password : undefined;
  return password ? text.split(password).join('****') : text;
}
