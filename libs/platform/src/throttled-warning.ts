import { Logger } from '@nestjs/common';

/**
 * A warning logged at most once per interval: while a dependency is away every call fails the same way, and one line
 * per call would bury everything else in the log.
 */
export function throttledWarning(logger: Logger, everyMs = 10_000): (message: string) => void {
  let last = -Infinity;
  return (message) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    logger.warn(message);
  };
}
