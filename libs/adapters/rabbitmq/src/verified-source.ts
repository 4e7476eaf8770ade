import { PermanentMessageError } from '@app/platform';
import { amqpSource } from '@app/credit-application';

/**
 * Whose data a partner's batch holds: what the broker verified, the AMQP user_id, which RabbitMQ checks against the
 * connection's user. A batch without it is refused (SOURCE_UNVERIFIED): the bureau must be able to tell a consumer the
 * source of every record (Lei 12.414 art. 6 II), and only the source may change what it sent. Only the platform's own
 * broker user may name another source in the payload (the API forwarding a REST batch, a replayed dead letter).
 */
export function verifiedSource(named: string | undefined, user: string | undefined, platformUser: string): string {
  if (!user) {
    throw new PermanentMessageError(
      'SOURCE_UNVERIFIED',
      'set the AMQP user_id property to the user your connection logs in as; the broker verifies it, and what you' +
        ' send is recorded under it',
      'properties.user_id',
    );
  }
  if (named === undefined) return amqpSource(user);
  if (user !== platformUser) {
    throw new PermanentMessageError(
      'SOURCE_NOT_ALLOWED',
      'only the platform names a source; leave it out and what you send is recorded under your user_id',
      'source',
    );
  }
  return named;
}
