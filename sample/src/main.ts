import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { KarafkaServer } from 'nestjs-karafka';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';

/** HTTP on HOST:PORT (127.0.0.1:3000 by default) plus the Karafka consumers. */
export async function bootstrap(): Promise<NestExpressApplication> {
  const app = configureApp(
    await NestFactory.create<NestExpressApplication>(AppModule, {
      // LOG_LEVEL=debug also shows a line per fetched and consumed batch.
      logger:
        process.env.LOG_LEVEL === 'debug'
          ? ['debug', 'log', 'warn', 'error']
          : ['log', 'warn', 'error'],
    }),
  );
  // SIGINT/SIGTERM: stop fetching, finish in-flight batches, commit, flush the producer, exit 0.
  app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
  app.connectMicroservice({ strategy: app.get(KarafkaServer) });
  await app.startAllMicroservices();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  Logger.log(`Shop at http://${host}:${port} (Ctrl-C stops it)`, 'Shop');
  return app;
}

await bootstrap();
