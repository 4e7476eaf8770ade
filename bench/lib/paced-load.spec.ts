import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import { pacedInTurns } from './load';

/** A server that notes when each request arrived. */
async function noting(arrivals: number[]): Promise<Server> {
  const server = createServer((_req, res) => {
    arrivals.push(performance.timeOrigin + performance.now());
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

describe('pacedInTurns', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('gives each server the rate for the same time, in alternating turns', async () => {
    const arrivals: number[][] = [[], []];
    for (const a of arrivals) servers.push(await noting(a));
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const started = performance.timeOrigin + performance.now();
    const [first, second] = await pacedInTurns({
      targets: servers.map((s) => ({ url: url(s), paths: ['/x', '/y'], headers: { 'x-purpose': 'TEST' } })),
      ratePerSecond: 500,
      durationSeconds: 0.8,
      sliceSeconds: 0.2,
      maxSockets: 4,
    });
    for (const m of [first!, second!]) {
      expect(m.requests).toBe(400);
      expect(m.non200 + m.errors).toBe(0);
    }
    // Arrivals to one server come in four bursts, one per turn, apart by about a turn while the other is loaded.
    for (const times of arrivals) {
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps.filter((g) => g > 150)).toHaveLength(3);
      expect(times[0]! - started).toBeGreaterThanOrEqual(0);
    }
    expect(arrivals[1]![0]!).toBeGreaterThan(arrivals[0]![0]! + 150);
  });

  it('warms up on the same connections, counts only the measured part and says when it starts', async () => {
    const arrivals: number[] = [];
    const server = await noting(arrivals);
    servers.push(server);
    const connections = new Set<unknown>();
    server.on('connection', (socket) => connections.add(socket));
    let measuringAt = 0;
    const [m] = await pacedInTurns(
      {
        targets: [{ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths: ['/x'], headers: {} }],
        ratePerSecond: 500,
        warmupSeconds: 0.2,
        durationSeconds: 0.4,
        sliceSeconds: 0.4,
        maxSockets: 2,
      },
      () => (measuringAt = performance.timeOrigin + performance.now()),
    );
    expect(m!.requests).toBe(200);
    expect(m!.latencies!.reduce((n, [, count]) => n + count, 0)).toBe(200);
    expect(arrivals).toHaveLength(300);
    // Every warm-up request was answered before the measured part was announced.
    expect(arrivals.filter((t) => t < measuringAt).length).toBeGreaterThanOrEqual(100);
    // The measured part reuses the warm connections: no more than the pool's two were ever opened.
    expect(connections.size).toBeLessThanOrEqual(2);
  });
});
