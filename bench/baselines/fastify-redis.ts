/**
 * Ceiling for the cached analysis read: bare Fastify 5 and one ioredis GET, the stored JSON sent as it is.
 * No framework, no auth, no audit. Env: PORT, REDIS_URL (with the bench's logical database), KEY_PREFIX.
 */
import Fastify from 'fastify';
import Redis from 'ioredis';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3401);
  const prefix = process.env.KEY_PREFIX ?? 'bench:raw:';
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const app = Fastify({ logger: false });
  app.get<{ Params: { cpf: string } }>('/v1/credit-analyses/:cpf', async (request, reply) => {
    const json = await redis.get(prefix + request.params.cpf);
    if (json === null) return reply.code(404).send({ code: 'NOT_FOUND' });
    return reply.type('application/json; charset=utf-8').send(json);
  });
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`fastify-redis ready on ${port}`);
  const stop = () =>
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
