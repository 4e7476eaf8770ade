import { loadConfig } from '@app/platform';
import { RecordingLogger } from './api-harness';
import { createApp } from '../src/bootstrap';

/** A newcomer's first `npm start` must not look like a crash: a healthy start logs no error, warning or stack trace. */
describe('npm start on the embedded default', () => {
  it('starts without logging an error, a warning or a stack trace', async () => {
    const logger = new RecordingLogger();
    const app = await createApp(loadConfig({ DEMO_CONSUMERS: '20' }), { logger });
    try {
      await app.getHttpAdapter().getInstance().ready();
      expect(logger.lines.some((l) => /Nest application successfully started/.test(l.message))).toBe(true);
      expect(logger.problems()).toEqual([]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
