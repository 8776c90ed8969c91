import {
  Injectable,
  Module,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { KarafkaWebModule } from '../../lib/web/index.js';
import { kafkaBrokers, uniqueName } from '../support/kafka.js';

@Injectable()
class NoInternsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<IncomingMessage>().headers['x-role'] !== 'intern';
  }
}

const topics = {
  reports: uniqueName('webmod-reports'),
  samples: uniqueName('webmod-samples'),
  history: uniqueName('webmod-history'),
  errors: uniqueName('webmod-errors'),
  commands: uniqueName('webmod-commands'),
};

@Module({
  imports: [
    KarafkaModule.forRoot({
      clientId: uniqueName('webmod'),
      kafka: { brokers: kafkaBrokers() },
      logger: false,
    }),
    KarafkaWebModule.forRoot({
      path: 'ops/karafka',
      readOnly: true,
      commands: true,
      tracking: false,
      authorize: (req) => req.headers['x-token'] === 'let-me-in',
      guards: [NoInternsGuard],
      topics,
    }),
  ],
})
class GuardedModule {}

let app: INestApplication;
beforeAll(async () => {
  app = await NestFactory.create(GuardedModule, { logger: false });
  app.setGlobalPrefix('api');
  await app.init();
});
afterAll(() => app?.close());

describe('KarafkaWebModule in a Nest app: mount path, authorize, guards, read-only', () => {
  it('serves the pages under the global prefix and the path, links included', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/ops/karafka/processes')
      .set('x-token', 'let-me-in')
      .expect(200);
    expect(response.text).toContain('<h1>Processes</h1>');
    expect(response.text).toContain('href="/api/ops/karafka/health"');
    expect(response.headers['set-cookie']?.[0]).toMatch(
      /^karafka_web_csrf=[a-f0-9]{32}; Path=\/api\/ops\/karafka; HttpOnly; SameSite=Strict/,
    );
  });

  it('answers 403 when authorize says no, and when a Nest guard says no', async () => {
    await request(app.getHttpServer()).get('/api/ops/karafka/').expect(403);
    await request(app.getHttpServer())
      .get('/api/ops/karafka/')
      .set('x-token', 'let-me-in')
      .set('x-role', 'intern')
      .expect(403);
  });

  it('read-only: no command forms even with commands on, and every POST is refused', async () => {
    const health = await request(app.getHttpServer())
      .get('/api/ops/karafka/health')
      .set('x-token', 'let-me-in')
      .expect(200);
    expect(health.text).not.toContain('<form');
    const post = await request(app.getHttpServer())
      .post('/api/ops/karafka/dead-letters/x/skip')
      .set('x-token', 'let-me-in')
      .type('form')
      .send({ partition: '0', offset: '0' })
      .expect(403);
    expect(post.text).toContain('read-only');
  });
});
