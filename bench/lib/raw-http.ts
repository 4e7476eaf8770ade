import { Socket, connect } from 'node:net';

/** What became of one request: its status (0 when the connection failed), latency in ms, bytes on the wire. */
type OnAnswer = (status: number, ms: number, bytes: number) => void;

const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH_NAME = Buffer.from('content-length:');

/** The bytes of a keep-alive GET, built once per path so that sending one allocates nothing. */
export function prepareGet(host: string, path: string, headers: Record<string, string>): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * Keep-alive HTTP/1.1 connections that send prepared GETs, one at a time per connection, and read answers framed by
 * Content-Length. Node's http client allocates a few kilobytes per request; at a fixed rate of thousands per second
 * its own scavenges then pause the load generator for milliseconds, and every answer arriving meanwhile is measured
 * late. Here a request costs the socket's read buffer and little else.
 */
export class RawHttpPool {
  private readonly idle: RawConnection[] = [];
  private readonly waiting: { request: Buffer; sentAt: number }[] = [];
  private readonly all = new Set<RawConnection>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    private readonly onAnswer: OnAnswer,
  ) {}

  /** Sends on an idle connection, a new one while under the limit, or else as soon as one is free. */
  send(request: Buffer, sentAt: number): void {
    const connection = this.idle.pop() ?? (this.all.size < this.maxSockets ? this.open() : null);
    if (connection) connection.send(request, sentAt);
    else this.waiting.push({ request, sentAt });
  }

  close(): void {
    for (const connection of this.all) connection.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
    for (const { sentAt } of this.waiting.splice(0)) this.onAnswer(0, performance.now() - sentAt, 0);
  }

  private open(): RawConnection {
    const connection = new RawConnection(connect(this.port, this.host), this.onAnswer, (c) => this.release(c));
    connection.socket.on('close', () => {
      this.all.delete(connection);
      const at = this.idle.indexOf(connection);
      if (at >= 0) this.idle.splice(at, 1);
    });
    this.all.add(connection);
    return connection;
  }

  private release(connection: RawConnection): void {
    const next = this.waiting.shift();
    if (next) connection.send(next.request, next.sentAt);
    else this.idle.push(connection);
  }
}

class RawConnection {
  /** When the outstanding request was sent, or -1 when none is. */
  private sentAt = -1;
  private status = 0;
  private bytes = 0;
  private bodyLeft = -1;
  /** The start of a response head that has not fully arrived. */
  private partialHead: Buffer | null = null;

  constructor(
    readonly socket: Socket,
    private readonly onAnswer: OnAnswer,
    private readonly release: (connection: RawConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.sentAt >= 0) this.onAnswer(0, performance.now() - this.sentAt, this.bytes);
      this.sentAt = -1;
    });
  }

  send(request: Buffer, sentAt: number): void {
    this.sentAt = sentAt;
    this.bytes = 0;
    this.bodyLeft = -1;
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    let data = chunk;
    let offset = 0;
    this.bytes += chunk.length;
    while (offset < data.length) {
      if (this.bodyLeft > 0) {
        const taken = Math.min(this.bodyLeft, data.length - offset);
        this.bodyLeft -= taken;
        offset += taken;
        if (this.bodyLeft === 0) this.answered();
        continue;
      }
      if (this.partialHead) {
        data = Buffer.concat([this.partialHead, data.subarray(offset)]);
        offset = 0;
        this.partialHead = null;
      }
      const end = data.indexOf(HEAD_END, offset);
      if (end < 0) {
        this.partialHead = Buffer.from(data.subarray(offset));
        return;
      }
      // "HTTP/1.1 200 OK": the status is bytes 9 to 11 of the head.
      this.status = (data[offset + 9]! - 48) * 100 + (data[offset + 10]! - 48) * 10 + (data[offset + 11]! - 48);
      this.bodyLeft = contentLength(data, offset, end);
      offset = end + HEAD_END.length;
      if (this.bodyLeft < 0) {
        // Only Content-Length framing is read; a chunked answer ends the connection as a failed request.
        this.socket.destroy();
        return;
      }
      if (this.bodyLeft === 0) this.answered();
    }
  }

  private answered(): void {
    const sentAt = this.sentAt;
    this.sentAt = -1;
    this.bodyLeft = -1;
    this.onAnswer(this.status, performance.now() - sentAt, this.bytes);
    this.release(this);
  }
}

/** The Content-Length of the response head between `from` and `to`, or -1 when it has none. */
function contentLength(data: Buffer, from: number, to: number): number {
  for (let line = data.indexOf(13, from); line >= 0 && line < to; line = data.indexOf(13, line + 2)) {
    const name = line + 2;
    if (!sameLetters(data, name, LENGTH_NAME)) continue;
    let i = name + LENGTH_NAME.length;
    while (data[i] === 32) i++;
    let length = 0;
    for (; i < to && data[i]! >= 48 && data[i]! <= 57; i++) length = length * 10 + data[i]! - 48;
    return length;
  }
  return -1;
}

/** Whether `data` at `at` spells the lower-case `name`, letters in either case (header names are case-insensitive). */
function sameLetters(data: Buffer, at: number, name: Buffer): boolean {
  for (let i = 0; i < name.length; i++) {
    const byte = data[at + i]!;
    if (byte !== name[i] && (byte | 0x20) !== name[i]) return false;
  }
  return true;
}
