import { ApiKeys, InquiryRecorder } from '@app/credit-application';
import { splitApiKey } from '@app/credit-domain';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DEMO_CPF_FORMATTED, client, keyFor, startApi } from './api-harness';

describe('access control, purposes, rate limits and data-subject rights', () => {
  let app: NestFastifyApplication;
  let anonymous: ReturnType<typeof request>;
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    app = await startApi({ rateLimitPerMinute: 1000 });
    anonymous = request(app.getHttpServer());
    admin = client(app, await keyFor(app, 'Banco Auditado'));
  }, 60_000);
  afterAll(async () => app.close());

  describe('authentication', () => {
    it('answers 401 UNAUTHENTICATED without a key', async () => {
      const res = await anonymous
        .get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`)
        .set('X-Purpose', 'CREDIT_GRANTING')
        .expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });

    it('answers 401 for a forged key and for a key with a wrong secret', async () => {
      const real = await keyFor(app, 'to-forge');
      const forged = `${real.slice(0, -4)}AAAA`;
      await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).set('X-Api-Key', forged).expect(401);
      await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).set('X-Api-Key', 'not-a-key').expect(401);
    });

    it('stops accepting a revoked key', async () => {
      const { record, plaintext } = await app.get(ApiKeys).create('short-lived', ['transactions:read']);
      await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).set('X-Api-Key', plaintext).expect(200);
      await app.get(ApiKeys).revoke(record.id);
      await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).set('X-Api-Key', plaintext).expect(401);
    });

    it('stores keys hashed: the plaintext appears nowhere in what the repository lists', async () => {
      const { record, plaintext } = await app.get(ApiKeys).create('hash-check', ['analysis:read']);
      const stored = (await app.get(ApiKeys).list()).find((k) => k.id === record.id);
      // The secret is what follows `cak_<id>_`; it may itself contain '_', so it is not split out.
      const secret = splitApiKey(plaintext)!.secret;
      expect(secret).toHaveLength(43);
      expect(JSON.stringify(stored)).not.toContain(secret);
    });
  });

  describe('scopes and purposes', () => {
    it('answers 403 SCOPE_MISSING to a key without the endpoint scope, and audits the denial', async () => {
      const readerOnly = client(app, await keyFor(app, 'Leitor Limitado', ['transactions:read']));
      const res = await readerOnly.get(`/v1/consumers/${DEMO_CPF_FORMATTED}`).expect(403);
      expect(res.body).toMatchObject({ code: 'SCOPE_MISSING', message: expect.stringContaining('consumer:read') });
      await readerOnly.put(`/v1/consumers/${DEMO_CPF_FORMATTED}`).send({}).expect(403);
    });

    it('requires a purpose for reads of personal data, and only from the allowed list', async () => {
      const key = await keyFor(app, 'sem-proposito');
      const missing = await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}`).set('X-Api-Key', key).expect(400);
      expect(missing.body).toMatchObject({ code: 'PURPOSE_REQUIRED', field: 'X-Purpose' });
      const wrong = await anonymous
        .get(`/v1/consumers/${DEMO_CPF_FORMATTED}`)
        .set('X-Api-Key', key)
        .set('X-Purpose', 'MARKETING')
        .expect(400);
      expect(wrong.body).toMatchObject({ code: 'PURPOSE_INVALID', field: 'X-Purpose' });
    });

    it('does not ask a purpose for non-personal event trails', async () => {
      const key = await keyFor(app, 'trilha', ['transactions:read']);
      await anonymous.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).set('X-Api-Key', key).expect(200);
    });
  });

  describe('rate limiting per client', () => {
    it('answers 429 RATE_LIMITED with Retry-After once a client exceeds its limit, without affecting another client', async () => {
      const limited = await startApi({ rateLimitPerMinute: 3, demoConsumers: 1 });
      try {
        const a = client(limited, await keyFor(limited, 'cliente-a', ['transactions:read']));
        const b = client(limited, await keyFor(limited, 'cliente-b', ['transactions:read']));
        for (let i = 0; i < 3; i++) await a.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).expect(200);
        const over = await a.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).expect(429);
        expect(over.body.code).toBe('RATE_LIMITED');
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        await b.get(`/v1/consumers/${DEMO_CPF_FORMATTED}/transactions`).expect(200);
      } finally {
        await limited.close();
      }
    }, 60_000);
  });

  describe('HTTP hardening', () => {
    it('sends security headers and forbids caching of personal data', async () => {
      const res = await admin.get(`/v1/consumers/${DEMO_CPF_FORMATTED}`).expect(200);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    });

    it('never returns a stack trace, even for an unexpected failure', async () => {
      const res = await admin
        .put(`/v1/consumers/${DEMO_CPF_FORMATTED}`)
        .set('content-type', 'application/json')
        .send('{"name": [')
        .expect(400);
      expect(JSON.stringify(res.body)).not.toMatch(/node_modules|\.ts:\d+|at [A-Z]\w+\./);
    });
  });

  describe('data-subject rights', () => {
    it('lists who consulted the CPF in the last six months, with client name and purpose', async () => {
      const lender = client(app, await keyFor(app, 'Financeira Aurora', ['analysis:read']), 'CREDIT_REVIEW');
      await lender.get(`/v1/credit-analyses/${DEMO_CPF_FORMATTED}`).expect(200);
      await app.get(InquiryRecorder).flush();
      const res = await admin
        .get(`/v1/subjects/${DEMO_CPF_FORMATTED}/consultations`)
        .set('X-Purpose', 'DATA_SUBJECT_REQUEST')
        .expect(200);
      expect(res.body.inquiries).toEqual(
        expect.arrayContaining([expect.objectContaining({ inquirer: 'Financeira Aurora', purpose: 'CREDIT_REVIEW' })]),
      );
    });

    it('exports everything held about a CPF across the three stores', async () => {
      const res = await admin
        .get(`/v1/subjects/${DEMO_CPF_FORMATTED}/export`)
        .set('X-Purpose', 'DATA_SUBJECT_REQUEST')
        .expect(200);
      expect(res.body.cpf).toBe(DEMO_CPF_FORMATTED);
      expect(res.body.consumer.name).toEqual(expect.any(String));
      expect(res.body.ratingFeatures.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(res.body.ratings.length).toBeGreaterThan(0);
      expect(res.body.transactions.length).toBeGreaterThan(0);
    });

    it('corrects a field, and the next read shows the correction', async () => {
      const res = await admin
        .patch(`/v1/subjects/${DEMO_CPF_FORMATTED}/corrections`)
        .send({ field: 'name', value: 'Nome Corrigido da Silva', reason: 'erro de digitação' })
        .expect(200);
      expect(res.body).toMatchObject({
        field: 'name',
        changed: true,
        correctionId: expect.any(String),
        recipients: expect.any(Array),
      });
      expect((await admin.get(`/v1/consumers/${DEMO_CPF_FORMATTED}`).expect(200)).body.name).toBe(
        'Nome Corrigido da Silva',
      );
      const bad = await admin
        .patch(`/v1/subjects/${DEMO_CPF_FORMATTED}/corrections`)
        .send({ field: 'cpf', value: 'x', reason: 'r' })
        .expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
