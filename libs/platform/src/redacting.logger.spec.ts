import { Cnpj } from '@app/shared-kernel';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { startTracingSdk } from './observability/tracing-sdk';
import { redactCpfs } from './redact';
import { RedactingLogger } from './redacting.logger';

/** What `write` puts on stdout and stderr, together, while it runs. */
function written(write: () => void): string {
  const chunks: string[] = [];
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  const err = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  try {
    write();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
}

describe('CPF redaction in logs', () => {
  it.each([
    ['formatted', 'consumer 123.456.789-09 not found', 'consumer ***.456.789-** not found'],
    ['bare digits', 'rating for 12345678909 stored', 'rating for ***.456.789-** stored'],
    ['inside JSON', '{"cpf":"98765432100"}', '{"cpf":"***.654.321-**"}'],
    ['several in one line', '12345678909 and 987.654.321-00', '***.456.789-** and ***.654.321-**'],
  ])('masks a CPF written %s', (_label, input, expected) => {
    expect(redactCpfs(input)).toBe(expected);
  });

  it('leaves CNPJs readable, numeric and alphanumeric, plain and formatted, and still masks a CPF beside them', () => {
    const alphanumeric = `ABC123450001${Cnpj.checkDigits('ABC123450001')}`;
    const line = `debt of 12345678909 to ${alphanumeric}, 12.ABC.345/01DE-35 and 11222333000181 (11.222.333/0001-81)`;
    expect(redactCpfs(line)).toBe(
      `debt of ***.456.789-** to ${alphanumeric}, 12.ABC.345/01DE-35 and 11222333000181 (11.222.333/0001-81)`,
    );
  });

  it('masks a CPF glued to letters when the whole is not a valid CNPJ', () => {
    expect(redactCpfs('cpf=ABC12345678909')).toBe('cpf=ABC***.456.789-**');
  });

  it('leaves longer digit runs (ids, timestamps, amounts) alone', () => {
    expect(redactCpfs('event 1795625723750 amount 123456789012')).toBe('event 1795625723750 amount 123456789012');
  });

  it.each([false, true])('masks every line the logger writes, json=%s, including errors and stacks', (json) => {
    const text = written(() => {
      const logger = new RedactingLogger('Test', { json });
      logger.log('looked up 123.456.789-09');
      logger.warn({ cpf: '12345678909', note: 'object message' });
      logger.error('failed for 98765432100', 'Error: boom for 98765432100\n    at handler (file.ts:1:1)');
    });
    expect(text).toContain('***.456.789-**');
    expect(text).not.toMatch(/12345678909|123\.456\.789-09|98765432100/);
  });

  it.each([false, true])(
    'writes an error line that comes without a stack, json=%s (it used to throw inside the logger)',
    (json) => {
      const text = written(() => new RedactingLogger('Test', { json }).error('channel set-up failed for 98765432100'));
      expect(text).toContain('channel set-up failed for ***.654.321-**');
      expect(text).not.toContain('undefined');
    },
  );

  describe('with tracing on', () => {
    let tracing: { shutdown: () => Promise<void> };
    beforeAll(() => {
      tracing = startTracingSdk({
        serviceName: 'logger-test',
        exporter: new InMemorySpanExporter(),
        instrumentLibraries: false,
      });
    });
    afterAll(() => tracing.shutdown());

    it.each([false, true])('adds the trace and span ids to a line written inside a span, unmasked, json=%s', (json) => {
      // Ids with eleven digits in a row: redaction would mask them if they were added before it ran.
      const traceId = '12345678909abcdef0123456789abcde';
      const spanId = '12345678909abcde';
      const inSpan = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
      const text = context.with(inSpan, () =>
        written(() => new RedactingLogger('Test', { json }).log('rated 12345678909')),
      );
      expect(text).toContain('rated ***.456.789-**');
      if (json) expect(JSON.parse(text)).toMatchObject({ traceId, spanId });
      else expect(text.trimEnd()).toMatch(new RegExp(`trace_id=${traceId} span_id=${spanId}$`));
    });

    it('adds nothing outside a span', () => {
      const text = written(() => new RedactingLogger('Test', { json: true }).log('started'));
      expect(JSON.parse(text)).not.toHaveProperty('traceId');
    });
  });
});
