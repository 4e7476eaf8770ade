import { Schemas } from '@app/contracts';
import { ApiParam } from '@nestjs/swagger';

/**
 * Swagger metadata for the {cpf} path parameter, the CPF schema of libs/contracts; validation happens in the domain
 * (Cpf.parse) so the rule lives in one place, and the schema's pattern and format say exactly what it accepts.
 */
export const ApiCpfParam = () =>
  ApiParam({
    name: 'cpf',
    description: Schemas.cpf.description,
    example: '12345678909',
    schema: { type: 'string', format: Schemas.cpf.format, pattern: Schemas.CPF_PATTERN, example: '12345678909' },
  });
