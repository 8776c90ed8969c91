import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import { RoutesExplorer } from '../routing/routes-explorer.js';
import { KARAFKA_WEB_OPTIONS, type KarafkaWebOptions } from './karafka-web.options.js';
import { routeDecoder } from './ui/payload-decoder.js';
import { WebApp } from './ui/web-app.js';
import { WebData } from './ui/web-data.js';
import { DEFAULT_WEB_TOPICS } from './web-topics.js';

/** Owns the UI's Kafka clients inside a Nest app; the controller hands requests to `app`. */
@Injectable()
export class WebUiService implements OnModuleInit, OnApplicationShutdown {
  readonly data: WebData;
  private web?: WebApp;

  constructor(
    @Inject(KARAFKA_WEB_OPTIONS) private readonly options: KarafkaWebOptions,
    clients: KafkaClientFactory,
    private readonly moduleRef: ModuleRef,
  ) {
    this.data = new WebData(clients.create('web-ui'), { ...DEFAULT_WEB_TOPICS, ...options.topics });
  }

  /** The request handler for a mount path (known from the first request's URL). */
  app(base: string): WebApp {
    this.web ??= new WebApp(this.data, {
      base,
      commands: Boolean(this.options.commands),
      readOnly: Boolean(this.options.readOnly),
      authorize: this.options.authorize,
      // The explorer decodes payloads with this app's routes' deserializers.
      decoder: routeDecoder(async () => {
        const explorer = this.moduleRef.get(RoutesExplorer, { strict: false });
        return (await explorer.ensureBuilt()).routes;
      }),
    });
    return this.web;
  }

  async onModuleInit(): Promise<void> {
    await this.data.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.data.stop();
  }
}
