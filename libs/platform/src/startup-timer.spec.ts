import { StartupTimer } from './startup-timer';

/** A clock the test moves by hand: the timer's arithmetic, with no real waiting. */
function handClock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('StartupTimer', () => {
  it('says only how long a start took when it was quick', async () => {
    const clock = handClock(1_200);
    const timer = new StartupTimer(clock.now);
    await timer.step('connecting to PostgreSQL', async () => clock.advance(800));
    expect(timer.summary()).toBe('ready in 2.0 s');
  });

  it('names what a slow start waited for, longest first, counting the code loaded before the timer', async () => {
    const clock = handClock(2_500);
    const timer = new StartupTimer(clock.now);
    await timer.step('connecting to PostgreSQL, MongoDB, RabbitMQ', async () => clock.advance(8_000));
    await timer.step('creating indexes and queues', async () => clock.advance(40));
    await timer.step('loading 1000 demo consumers', async () => clock.advance(1_500));
    expect(timer.summary()).toBe(
      'ready in 12.0 s, over 10 s: waited 8.0 s connecting to PostgreSQL, MongoDB, RabbitMQ, ' +
        '2.5 s loading the code, 1.5 s loading 1000 demo consumers',
    );
  });

  it('counts a step that failed', async () => {
    const clock = handClock(0);
    const timer = new StartupTimer(clock.now);
    await expect(
      timer.step('connecting', async () => {
        clock.advance(11_000);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(timer.summary()).toBe('ready in 11.0 s, over 10 s: waited 11.0 s connecting');
  });
});
