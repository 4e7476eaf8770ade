import { consumerFeedsContract } from '../contracts/consumer-feeds.contract';
import { InMemoryConsumerFeeds } from './in-memory-consumer-feeds';
import { InMemoryConsumerRepository } from './in-memory-consumer.repository';

describe('InMemoryConsumerFeeds, the test double the handlers are specified against', () => {
  consumerFeedsContract(() => {
    const consumers = new InMemoryConsumerRepository();
    return { feeds: new InMemoryConsumerFeeds(consumers), consumers };
  });
});
