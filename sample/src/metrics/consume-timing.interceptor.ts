import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { KarafkaContext } from 'nestjs-karafka';
import { finalize, type Observable } from 'rxjs';
import { KarafkaEventCounter } from './karafka-event-counter.js';

/**
 * A global interceptor (APP_INTERCEPTOR) that times every `consume` call and feeds the metrics
 * at /metrics/karafka. HTTP handlers pass through: only RPC contexts are Kafka calls.
 */
@Injectable()
export class ConsumeTimingInterceptor implements NestInterceptor {
  constructor(private readonly counter: KarafkaEventCounter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const { topic } = context.switchToRpc().getContext<KarafkaContext>();
    const started = performance.now();
    return next
      .handle()
      .pipe(finalize(() => this.counter.recordConsumeTime(topic, performance.now() - started)));
  }
}
