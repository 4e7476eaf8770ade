/** Polls probe until it gives a truthy value, which it returns; fails naming what it waited for. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
