import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { RawHttpPool, prepareGet } from './raw-http';

/** A server that answers every request with the given byte pieces, written apart so that they arrive apart. */
async function serverWriting(pieces: (path: string) => string[]): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    let head = '';
    socket.on('data', async (chunk) => {
      head += chunk.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        const request = head.slice(0, head.indexOf('\r\n\r\n'));
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        const path = request.split(' ')[1]!;
        for (const piece of pieces(path)) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

function answers(port: number, paths: string[], maxSockets = 1) {
  const seen: { status: number; bytes: number }[] = [];
  let done: () => void;
  const all = new Promise<void>((r) => (done = r));
  const pool = new RawHttpPool('127.0.0.1', port, maxSockets, (status, _ms, bytes) => {
    seen.push({ status, bytes });
    if (seen.length === paths.length) done();
  });
  for (const path of paths) pool.send(prepareGet(`127.0.0.1:${port}`, path, { 'x-api-key': 'k' }), performance.now());
  return all.then(() => {
    pool.close();
    return seen;
  });
}

describe('RawHttpPool', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('reads answers whose head and body arrive in pieces, in either spelling of Content-Length', async () => {
    const body = '{"cpf":"52998224725"}';
    const found = [
      'HTTP/1.1 200 OK\r\nconte',
      `nt-length: ${body.length}\r\n`,
      '\r\n',
      body.slice(0, 5),
      body.slice(5),
    ];
    const missing = ['HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}'];
    ({ server } = await serverWriting((path) => (path === '/a' ? found : missing)));
    const { port } = server.address() as AddressInfo;
    const seen = await answers(port, ['/a', '/b', '/a']);
    expect(seen).toEqual([
      { status: 200, bytes: found.join('').length },
      { status: 404, bytes: missing.join('').length },
      { status: 200, bytes: found.join('').length },
    ]);
  });

  it('reads an answer without a body and sends what waited for a free connection', async () => {
    ({ server } = await serverWriting(() => ['HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n']));
    const { port } = server.address() as AddressInfo;
    expect((await answers(port, ['/x', '/y', '/z'])).map((a) => a.status)).toEqual([204, 204, 204]);
  });

  it('counts a chunked answer, which it does not read, as a failed request (status 0)', async () => {
    ({ server } = await serverWriting(() => [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    ]));
    const { port } = server.address() as AddressInfo;
    expect((await answers(port, ['/x'])).map((a) => a.status)).toEqual([0]);
  });
});
