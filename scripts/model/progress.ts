/**
 * A one-line progress bar on stderr, so stdout stays a clean report. On a non-TTY (CI logs) it prints one line per
 * finished task instead of carriage-return redraws.
 */
export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
): (label: string, done: number, total: number) => void {
  const started = Date.now();
  return (label, done, total) => {
    const width = 24;
    const filled = Math.round((done / total) * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} (${seconds}s)`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K`);
      if (done === total) stream.write('\n');
    } else if (done === total) {
      stream.write(`${line}\n`);
    }
  };
}
