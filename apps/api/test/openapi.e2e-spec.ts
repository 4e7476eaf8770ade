import { AMOUNT_BOUNDS, PURPOSES } from '@app/credit-domain';
import { readFileSync } from 'node:fs';
import { OPENAPI_PATH, renderOpenApi } from '../../../scripts/export-openapi';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describe('openapi/openapi.json', () => {
  let text: string;
  let doc: Json;
  const operations = (): [string, string, Json][] =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([m]) => METHODS.includes(m))
        .map(([m, op]) => [path, m, op as Json] as [string, string, Json]),
    );
  const resolve = (schema: Json): Json => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);

  beforeAll(async () => {
    text = await renderOpenApi();
    doc = JSON.parse(text);
  }, 60_000);

  it('is exactly what the code produces (run `npm run openapi:export` after changing the API)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(text);
  });

  it('offers X-Purpose as an enum of the allowed purposes wherever it is required', () => {
    const headers = operations().flatMap(([, , op]) =>
      (op.parameters ?? []).filter((p: Json) => p.name === 'X-Purpose'),
    );
    expect(headers.length).toBeGreaterThanOrEqual(6);
    for (const header of headers)
      expect(header).toMatchObject({ in: 'header', required: true, schema: { type: 'string', enum: [...PURPOSES] } });
  });

  it('declares the CPF of every path with a pattern that excludes repeated digits and with format cpf for its check digits', () => {
    const cpfs = operations().flatMap(([, , op]) => (op.parameters ?? []).filter((p: Json) => p.name === 'cpf'));
    expect(cpfs.length).toBe(operations().filter(([path]) => path.includes('{cpf}')).length);
    for (const { schema } of cpfs) {
      expect(schema.format).toBe('cpf');
      const pattern = new RegExp(schema.pattern, 'u');
      expect(['12345678909', '123.456.789-09'].every((v) => pattern.test(v))).toBe(true);
      expect(['00000000000', '111.111.111-11', '1234567890', '123.456.78909'].some((v) => pattern.test(v))).toBe(false);
    }
  });

  it('declares job ids as UUIDs', () => {
    for (const path of ['/v1/ratings/regenerations/{id}', '/v1/ratings/regenerations/{id}/resume']) {
      const op = Object.values(doc.paths[path] as Json)[0] as Json;
      expect(op.parameters.find((p: Json) => p.name === 'id').schema).toEqual({ type: 'string', format: 'uuid' });
    }
  });

  it('lists the event kinds as enums: the types filter, the movement kinds, the discriminator', () => {
    const types = doc.paths['/v1/consumers/{cpf}/transactions'].get.parameters.find((p: Json) => p.name === 'types');
    expect(types).toMatchObject({
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { enum: ['BUREAU_INQUIRY', 'FINANCIAL_MOVEMENT', 'CARD_PURCHASE'] } },
    });
    expect(doc.components.schemas.FinancialMovementDto.properties.kind.enum).toContain('SALARY');
    expect(Object.keys(doc.components.schemas.IngestBatchDto.properties.events.items.discriminator.mapping)).toEqual([
      'BUREAU_INQUIRY',
      'FINANCIAL_MOVEMENT',
      'CARD_PURCHASE',
    ]);
  });

  it('closes every request body schema, as the server refuses unknown fields', () => {
    const seen = new Set<Json>();
    const walk = (schema: Json | undefined): void => {
      if (!schema) return;
      const s = resolve(schema);
      if (seen.has(s)) return;
      seen.add(s);
      if (s.properties)
        expect({
          schema: s.title ?? Object.keys(s.properties).join(','),
          additionalProperties: s.additionalProperties,
        }).toMatchObject({ additionalProperties: false });
      Object.values(s.properties ?? {}).forEach((p) => walk(p as Json));
      walk(s.items);
      (s.oneOf ?? []).forEach((m: Json) => walk(m));
    };
    for (const [, , op] of operations()) walk(op.requestBody?.content?.['application/json']?.schema);
    expect(seen.size).toBeGreaterThan(10);
  });

  it('states the limits the validation pipe applies (integers, ranges, lengths, patterns)', () => {
    const debt = doc.components.schemas.DebtDto.properties;
    expect(debt.amountCents).toMatchObject({ type: 'integer', minimum: 1, maximum: AMOUNT_BOUNDS.debt.max });
    expect(debt.id.pattern).toBe('^[A-Za-z0-9._:-]{1,64}$');
    expect(doc.components.schemas.AddressDto.properties.street).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(doc.components.schemas.UpsertConsumerDto.properties.debts).toMatchObject({ maxItems: 500 });
  });

  it('links each operation to what a client calls next, naming operations that exist and parameters they take', () => {
    const byId = new Map(operations().map(([path, , op]) => [op.operationId, { path, op }]));
    const links = operations().flatMap(([, , op]) =>
      Object.values(op.responses as Json).flatMap((r) => Object.values((r as Json).links ?? {}) as Json[]),
    );
    expect(links.length).toBeGreaterThanOrEqual(20);
    for (const link of links) {
      const target = byId.get(link.operationId);
      expect({ operationId: link.operationId, exists: Boolean(target) }).toEqual({
        operationId: link.operationId,
        exists: true,
      });
      const names = (target!.op.parameters ?? []).map((p: Json) => p.name);
      for (const parameter of Object.keys(link.parameters)) expect(names).toContain(parameter);
    }
  });
});
