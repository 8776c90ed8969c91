import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** What main.ts and the tests both set up on the HTTP app. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  // A body with unknown or invalid fields is a 400 that names them; nothing is produced.
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  // POST /inventory takes CSV as it is.
  app.useBodyParser('text', { type: 'text/csv', limit: '1mb' });
  return app;
}
