import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { redactCpfs } from './redact';

/** Nest's logger with every message passed through CPF redaction; JSON lines when LOG_FORMAT=json. */
export class RedactingLogger extends ConsoleLogger {
  constructor(context = 'App', options: { json?: boolean; logLevels?: LogLevel[] } = {}) {
    super(context, { json: options.json ?? false, logLevels: options.logLevels, colors: !options.json && process.stdout.isTTY });
  }

  protected override formatMessage(logLevel: LogLevel, message: unknown, pidMessage: string, formattedLogLevel: string, contextMessage: string, timestampDiff: string): string {
    return redactCpfs(super.formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff));
  }

  /** Nest calls this for every error() line, with no stack when the caller gave none. */
  protected override printStackTrace(stack: string | undefined): void {
    if (stack) super.printStackTrace(redactCpfs(stack));
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const obj = super.getJsonLogObject(message, options);
    return JSON.parse(redactCpfs(JSON.stringify(obj))) as typeof obj;
  }
}

export function logLevelsFrom(level: string): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const wanted = level === 'info' ? 'log' : (level as LogLevel);
  const index = order.indexOf(wanted);
  return order.slice(0, index < 0 ? 4 : index + 1);
}
