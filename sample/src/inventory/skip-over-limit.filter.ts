import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { KarafkaContext } from 'nestjs-karafka';
import { StockLimitError } from './inventory.store.js';

/**
 * An import over the stock limit will never succeed, retrying it would only hold the
 * partition: log it and skip it. Returning (not rethrowing) marks the messages as consumed.
 */
@Catch(StockLimitError)
export class SkipOverLimitFilter implements ExceptionFilter {
  private readonly logger = new Logger('Inventory');

  catch(error: StockLimitError, host: ArgumentsHost): void {
    const kafka = host.switchToRpc().getContext<KarafkaContext>();
    this.logger.warn(
      `Skipped inventory import at ${kafka.topic}/${kafka.partition} offset ${kafka.getMessage().offset}: ${error.message}`,
    );
  }
}
