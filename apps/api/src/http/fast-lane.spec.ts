import Fastify, { FastifyInstance } from 'fastify';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { FastLane } from './fast-lane';

/** A Fastify instance as bootstrap builds it: its server from the lane, one route of its own. */
async function laneAndFastify(): Promise<{ fastify: FastifyInstance; lane: FastLane; base: string }> {
  const lane = new FastLane();
  const fastify = Fastify({ serverFactory: lane.serverFactory, http: { maxHeaderSize: 32 * 1024 } });
  fastify.get('/elsewhere', async () => ({ by: 'fastify' }));
  lane.open(fastify, (req, res) => {
    if (req.url !== '/lane') return false;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('lane');
    return true;
  });
  const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { fastify, lane, base };
}

describe('FastLane, the requests the server answers before Fastify', () => {
  let fastify: FastifyInstance;
  let base: string;

  beforeEach(async () => ({ fastify, base } = await laneAndFastify()));
  afterEach(async () => fastify.close());

  it('answers what its handler takes and hands everything else to Fastify untouched', async () => {
    expect(await (await fetch(`${base}/lane`)).text()).toBe('lane');
    const other = await fetch(`${base}/elsewhere`);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ by: 'fastify' });
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('gives the server the settings Fastify would have given its own', () => {
    const server = fastify.server as Server;
    expect(server.keepAliveTimeout).toBe(fastify.initialConfig.keepAliveTimeout);
    expect(server.requestTimeout).toBe(0); // Fastify's default, no limit; Node's own would be five minutes
    expect(server.timeout).toBe(fastify.initialConfig.connectionTimeout);
  });

  it("takes the header size Fastify's options allow, twice Node's default", async () => {
    const long = { 'x-long': 'a'.repeat(20 * 1024) };
    expect((await fetch(`${base}/lane`, { headers: long })).status).toBe(200);
    expect((await fetch(`${base}/elsewhere`, { headers: long })).status).toBe(200);
  });

  it('closes with Fastify: once it starts closing, Fastify answers what the lane used to (503 while draining)', async () => {
    const server = fastify.server;
    const handle = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
    await fastify.close();
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/lane';
    const res = new ServerResponse(req);
    handle(req, res);
    expect(res.statusCode).toBe(503);
  });
});
