import { Kafka, logLevel } from 'kafkajs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nestLogCreator } from '../connection/kafka-client.factory.js';
import { WebApp } from './ui/web-app.js';
import { WebData } from './ui/web-data.js';
import { DEFAULT_WEB_TOPICS, type KarafkaWebTopics } from './web-topics.js';

/** Options of `serveKarafkaWeb()` (what `karafka web` passes). */
export interface KarafkaWebServerOptions {
  brokers: string[];
  /** Default 3030; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  commands?: boolean;
  readOnly?: boolean;
  topics?: Partial<KarafkaWebTopics>;
}

/** A running standalone UI. */
export interface KarafkaWebServer {
  readonly port: number;
  readonly url: string;
  /** Stops the HTTP server and the UI's Kafka clients. */
  close(): Promise<void>;
}

/**
 * The web UI on a port of its own, against a cluster, without any Nest app (`karafka web`):
 * it reads what the app's processes publish to the web topics.
 */
export async function serveKarafkaWeb(options: KarafkaWebServerOptions): Promise<KarafkaWebServer> {
  const kafka = new Kafka({
    clientId: 'karafka-web',
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
  });
  const data = new WebData(kafka, { ...DEFAULT_WEB_TOPICS, ...options.topics });
  await data.start();
  const app = new WebApp(data, {
    base: '',
    commands: Boolean(options.commands),
    readOnly: Boolean(options.readOnly),
  });
  const server = createServer((req, res) => void app.handle(req, res, req.url ?? '/'));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3030, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await data.stop();
    },
  };
}
