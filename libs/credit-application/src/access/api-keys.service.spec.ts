import { SystemClock } from '@app/shared-kernel';
import { ApiKeyRecord } from '@app/credit-domain';
import { InMemoryApiKeyRepository } from '@app/testing';
import { ApiKeys } from './api-keys.service';

/** The PostgreSQL table as another process sees it, counting how often this one asks. */
class CountingRepository extends InMemoryApiKeyRepository {
  lookups = 0;
  override async findById(id: string): Promise<ApiKeyRecord | null> {
    this.lookups += 1;
    return super.findById(id);
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('ApiKeys, authenticating a presented key', () => {
  let repository: CountingRepository;
  let keys: ApiKeys;
  let key: { record: ApiKeyRecord; plaintext: string };

  beforeEach(async () => {
    jest.useFakeTimers({
      now: new Date('2026-12-05T12:00:00Z'),
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    });
    repository = new CountingRepository();
    keys = new ApiKeys(repository, new SystemClock());
    key = await keys.create('Banco Horizonte S.A.', ['analysis:read']);
  });
  afterEach(() => jest.useRealTimers());

  it('asks the database once for requests that arrive together with a key it does not know yet', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(key.plaintext)));
    expect(answers.every((record) => record?.id === key.record.id)).toBe(true);
    expect(repository.lookups).toBe(1);
  });

  it('looks a key in use up again in the background, so a revocation elsewhere is seen before it expires', async () => {
    await keys.authenticate(key.plaintext);
    await repository.revoke(key.record.id, new Date()); // another process (the apikey CLI) revokes it
    jest.setSystemTime(new Date('2026-12-05T12:00:04.999Z'));
    expect(await keys.authenticate(key.plaintext)).not.toBeNull();
    expect(repository.lookups).toBe(1);

    jest.setSystemTime(new Date('2026-12-05T12:00:05.000Z'));
    // This request does not wait for the lookup it starts: it is answered from the record it already had.
    expect(await keys.authenticate(key.plaintext)).not.toBeNull();
    expect(repository.lookups).toBe(2);
    await settled();
    expect(await keys.authenticate(key.plaintext)).toBeNull();
    expect(repository.lookups).toBe(2);
  });

  it('asks the database again for a key not used for longer than the cache keeps it', async () => {
    await keys.authenticate(key.plaintext);
    jest.setSystemTime(new Date('2026-12-05T12:00:10.000Z'));
    expect(await keys.authenticate(key.plaintext)).not.toBeNull();
    expect(repository.lookups).toBe(2);
  });

  it('refuses a key revoked here at once, and a wrong secret or an unknown id always', async () => {
    await keys.authenticate(key.plaintext);
    const other = await keys.create('Ingestor', ['transactions:write']);
    expect(await keys.authenticate(`${other.plaintext.slice(0, -1)}x`)).toBeNull();
    expect(await keys.authenticate('cak_unknown_0123456789abcdef0123456789abcdef')).toBeNull();
    await keys.revoke(key.record.id);
    expect(await keys.authenticate(key.plaintext)).toBeNull();
  });

  it('asks the database about an unknown id once per cache period, however often it is presented', async () => {
    const made = 'cak_00000000000000aa_' + 'A'.repeat(43);
    for (let i = 0; i < 20; i++) expect(await keys.authenticate(made)).toBeNull();
    expect(repository.lookups).toBe(1);
    jest.setSystemTime(new Date('2026-12-05T12:00:09.999Z'));
    expect(await keys.authenticate(made)).toBeNull();
    expect(repository.lookups).toBe(1);
    jest.setSystemTime(new Date('2026-12-05T12:00:10.000Z'));
    expect(await keys.authenticate(made)).toBeNull();
    expect(repository.lookups).toBe(2);
  });

  it('passes a failing database on to the request that had to wait for it, and tries again on the next', async () => {
    const findById = jest.spyOn(repository, 'findById').mockRejectedValueOnce(new Error('connection refused'));
    await expect(keys.authenticate(key.plaintext)).rejects.toThrow('connection refused');
    expect(await keys.authenticate(key.plaintext)).not.toBeNull();
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it('answers without waiting only what it knows: a malformed key, a key verified or an id found unknown lately', async () => {
    const made = 'cak_00000000000000aa_' + 'A'.repeat(43);
    expect(keys.authenticateNow('not a key')).toBeNull();
    expect(keys.authenticateNow(key.plaintext)).toBeUndefined();
    expect(keys.authenticateNow(made)).toBeUndefined();
    expect(repository.lookups).toBe(0);

    await keys.authenticate(key.plaintext);
    await keys.authenticate(made);
    expect(keys.authenticateNow(key.plaintext)?.id).toBe(key.record.id);
    expect(keys.authenticateNow(`${key.plaintext.slice(0, -1)}x`)).toBeNull();
    expect(keys.authenticateNow(made)).toBeNull();
    jest.setSystemTime(new Date('2026-12-05T12:00:10.000Z'));
    expect(keys.authenticateNow(key.plaintext)).toBeUndefined();
    expect(repository.lookups).toBe(2);
  });
});
