import { Cpf } from '@app/shared-kernel';
import { distinctCpfs } from '@app/testing';
import { InMemoryAnalysisCache } from './in-memory-analysis.cache';

const [a, b, c, d] = distinctCpfs(4).map((v) => Cpf.parse(v));

describe('InMemoryAnalysisCache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('misses a CPF it never stored', async () => {
    expect(await new InMemoryAnalysisCache().get(a)).toBeNull();
  });

  it('returns the JSON text exactly as stored', async () => {
    const cache = new InMemoryAnalysisCache();
    await cache.set(a, '{"x": 1}', 60_000);
    expect(await cache.get(a)).toBe('{"x": 1}');
    expect(await cache.get(b)).toBeNull();
  });

  it('keeps an entry until its TTL has elapsed and misses from that instant on', async () => {
    jest.useFakeTimers({
      now: new Date('2025-06-15T12:00:00Z'),
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    });
    const cache = new InMemoryAnalysisCache();
    await cache.set(a, 'json', 300_000);
    jest.setSystemTime(new Date('2025-06-15T12:04:59.999Z'));
    expect(await cache.get(a)).toBe('json');
    jest.setSystemTime(new Date('2025-06-15T12:05:00.000Z'));
    expect(await cache.get(a)).toBeNull();
  });

  it('forgets an expired entry rather than reviving it later', async () => {
    jest.useFakeTimers({
      now: new Date('2025-06-15T12:00:00Z'),
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    });
    const cache = new InMemoryAnalysisCache();
    await cache.set(a, 'json', 1_000);
    jest.setSystemTime(new Date('2025-06-15T12:00:02Z'));
    expect(await cache.get(a)).toBeNull();
    jest.setSystemTime(new Date('2025-06-15T12:00:00Z'));
    expect(await cache.get(a)).toBeNull();
  });

  it('refreshes the TTL when the same CPF is stored again', async () => {
    jest.useFakeTimers({
      now: new Date('2025-06-15T12:00:00Z'),
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    });
    const cache = new InMemoryAnalysisCache();
    await cache.set(a, 'old', 10_000);
    jest.setSystemTime(new Date('2025-06-15T12:00:08Z'));
    await cache.set(a, 'new', 10_000);
    jest.setSystemTime(new Date('2025-06-15T12:00:15Z'));
    expect(await cache.get(a)).toBe('new');
  });

  it('evicts the least recently stored entry beyond its maximum', async () => {
    const cache = new InMemoryAnalysisCache(3);
    await cache.set(a, 'a', 60_000);
    await cache.set(b, 'b', 60_000);
    await cache.set(c, 'c', 60_000);
    await cache.set(d, 'd', 60_000);
    expect(await cache.get(a)).toBeNull();
    expect([await cache.get(b), await cache.get(c), await cache.get(d)]).toEqual(['b', 'c', 'd']);
  });

  it('counts a read as a use: the least recently read entry is evicted, not the oldest stored', async () => {
    const cache = new InMemoryAnalysisCache(3);
    await cache.set(a, 'a', 60_000);
    await cache.set(b, 'b', 60_000);
    await cache.set(c, 'c', 60_000);
    await cache.get(a);
    await cache.set(d, 'd', 60_000);
    expect(await cache.get(b)).toBeNull();
    expect([await cache.get(a), await cache.get(c), await cache.get(d)]).toEqual(['a', 'c', 'd']);
  });

  it('does not grow when a CPF is stored twice', async () => {
    const cache = new InMemoryAnalysisCache(2);
    await cache.set(a, 'a1', 60_000);
    await cache.set(a, 'a2', 60_000);
    await cache.set(b, 'b', 60_000);
    expect([await cache.get(a), await cache.get(b)]).toEqual(['a2', 'b']);
  });

  it('invalidates exactly the CPFs it is given', async () => {
    const cache = new InMemoryAnalysisCache();
    await cache.set(a, 'a', 60_000);
    await cache.set(b, 'b', 60_000);
    await cache.set(c, 'c', 60_000);
    await cache.invalidate([a, c, d]);
    expect([await cache.get(a), await cache.get(b), await cache.get(c)]).toEqual([null, 'b', null]);
  });

  it('reports itself up', async () => {
    expect(await new InMemoryAnalysisCache().health()).toBe('up');
  });
});
