import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns every exception into a generic "Internal server error" object, which would hide
 * whether a failure is permanent (dead-letter now) or transient (retry). Handing the original error back to the
 * transport lets RabbitMqServer decide, and keeps the real reason for the dead-letter headers.
 */
@Catch()
export class RpcErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
