import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevBrokerError } from './dev-broker.error.js';
import type { DevBrokerSecurity, DevBrokerUser } from './dev-broker.options.js';

/** The user of a secured dev broker when none are given. A development credential, not a secret. */
export const DEFAULT_SECURE_USER: DevBrokerUser = {
  username: 'karafka',
  password: 'karafka-secret',
};

/** What the SASL_SSL listener accepts; every user is known to all three. */
export const SECURE_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/**
 * A CA made on the spot and a broker certificate it signed, for 127.0.0.1 and localhost, in
 * `<dir>`: clients trust `ca.pem`; Kafka reads `broker-keystore.pem` (key + chain, PEM keystore).
 * Made once per data folder, so a restarted broker keeps the CA its clients already trust.
 */
export function createCertificates(dir: string): { caFile: string; keystoreFile: string } {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  writeFileSync(
    file('broker.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '825']
      .concat(['-keyout', file('ca.key'), '-out', file('ca.pem')])
      .concat(['-subj', '/CN=nestjs-karafka dev broker CA'])
      .concat(['-addext', 'basicConstraints=critical,CA:TRUE'])
      .concat(['-addext', 'keyUsage=critical,keyCertSign,cRLSign']),
  );
  openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'].concat([
      '-keyout',
      file('broker.key'),
      '-out',
      file('broker.csr'),
    ]),
  );
  openssl(
    ['x509', '-req', '-days', '825', '-in', file('broker.csr')]
      .concat(['-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial'])
      .concat(['-extfile', file('broker.ext'), '-out', file('broker.pem')]),
  );
  const keystore = ['broker.key', 'broker.pem', 'ca.pem']
    .map((name) => readFileSync(file(name), 'utf8'))
    .join('');
  writeFileSync(file('broker-keystore.pem'), keystore, { mode: 0o600 });
  return { caFile: file('ca.pem'), keystoreFile: file('broker-keystore.pem') };
}

/** Lines added to server.properties for the SASL_SSL listener. */
export function secureProperties(keystoreFile: string, users: DevBrokerUser[]): string[] {
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const plainUsers = users.map((user) => `user_${user.username}=${quote(user.password)}`).join(' ');
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
    `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${scram}`,
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${keystoreFile}`,
  ];
}

/** SCRAM credentials live in the cluster metadata: they are added when the storage is formatted. */
export function scramFormatArgs(users: DevBrokerUser[]): string[] {
  return users.flatMap((user) =>
    ['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${user.username},password=${user.password}]`,
    ]),
  );
}

export function securityOf(
  port: number,
  caFile: string,
  users: DevBrokerUser[],
): DevBrokerSecurity {
  return {
    brokers: `127.0.0.1:${port}`,
    port,
    caFile,
    mechanisms: [...SECURE_MECHANISMS],
    users,
  };
}

export function assertUsers(users: DevBrokerUser[]): void {
  for (const { username, password } of users) {
    if (!/^[A-Za-z0-9._-]+$/.test(username) || !/^[^"\\,=\]\s]+$/.test(password)) {
      throw new DevBrokerError(
        `Secure dev broker user "${username}": use letters, digits, . _ - in the name and no ` +
          'spaces, quotes, backslashes, commas, = or ] in the password.',
      );
    }
  }
}

function quote(value: string): string {
  return `"${value}"`;
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new DevBrokerError(
      'The secured dev broker makes its TLS certificates with `openssl`, which ' +
        (result.error ? 'was not found on PATH.' : `failed:\n${result.stderr}`),
    );
  }
}
