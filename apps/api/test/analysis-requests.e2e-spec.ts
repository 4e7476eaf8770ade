import { generateDemoConsumers, InquiryRecorder } from '@app/credit-application';
import { RabbitMqContext } from '@app/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AnalysisRequestsController } from '../src/messaging/analysis-requests.controller';
import { client, keyFor, startApi } from './api-harness';

const PARTNER = 'partner-lender';

/**
 * A partner's analysis request as the handler receives it from the transport: the message_id names the request, so
 * a redelivery is the same bureau inquiry, and only a redelivery is. The wire is proven by the three-apps test.
 */
describe('analysis requests over RabbitMQ, one inquiry per request', () => {
  let app: NestFastifyApplication;
  let handler: AnalysisRequestsController;
  let reader: ReturnType<typeof client>;
  const [first, second] = generateDemoConsumers(2, new Date()).map((demo) => demo.consumer.cpf);

  beforeAll(async () => {
    app = await startApi();
    handler = app.get(AnalysisRequestsController);
    reader = client(app, await keyFor(app, 'Ouvidoria'));
  }, 60_000);
  afterAll(async () => app.close());

  const ask = async (messageId: string, cpf: string, purpose = 'CREDIT_GRANTING') => {
    const properties = { userId: PARTNER, correlationId: randomUUID(), messageId, headers: {} };
    const message = { content: Buffer.alloc(0), fields: {}, properties } as unknown as ConsumeMessage;
    const reply = await handler.analyse({ cpf, purpose }, new RabbitMqContext('credit.analysis.request.v1', message));
    expect(reply).toMatchObject({ ok: true });
  };
  const partnerInquiries = async (cpf: string, purpose: string) => {
    await app.get(InquiryRecorder).flush();
    const { inquiries } = (await reader.get(`/v1/consumers/${cpf}/inquiries`).expect(200)).body as {
      inquiries: { inquirer: string; purpose: string }[];
    };
    return inquiries.filter((i) => i.inquirer === `amqp:${PARTNER}` && i.purpose === purpose).length;
  };

  it('keeps a request delivered twice as one inquiry', async () => {
    const messageId = randomUUID();
    await ask(messageId, first!, 'CREDIT_REVIEW');
    await ask(messageId, first!, 'CREDIT_REVIEW');
    expect(await partnerInquiries(first!, 'CREDIT_REVIEW')).toBe(1);
  });

  it('records a message_id reused for another CPF or purpose as the other read it is', async () => {
    const reused = randomUUID();
    await ask(reused, first!, 'COLLECTION');
    await ask(reused, second!, 'COLLECTION');
    await ask(reused, second!, 'FRAUD_PREVENTION');
    expect(await partnerInquiries(first!, 'COLLECTION')).toBe(1);
    expect(await partnerInquiries(second!, 'COLLECTION')).toBe(1);
    expect(await partnerInquiries(second!, 'FRAUD_PREVENTION')).toBe(1);
  });
});
