import { ApiParam } from '@nestjs/swagger';

/** Swagger metadata for the {cpf} path parameter; validation happens in the domain (Cpf.parse) so the rule lives in one place. */
export const ApiCpfParam = () =>
  ApiParam({ name: 'cpf', description: 'CPF: 11 digits or formatted 000.000.000-00; check digits are verified', example: '12345678909', schema: { type: 'string', pattern: '^(\\d{11}|\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2})$' } });
