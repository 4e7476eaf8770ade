import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'address.postalCode' }) field: string;
  @ApiProperty({ example: 'ADDRESS_INVALID' }) code: string;
  @ApiProperty({ example: 'must be a CEP of 8 digits (00000-000)' }) reason: string;
  @ApiPropertyOptional({ description: 'Position in a batch, when the error is about one item of it', example: 3 })
  index?: number;
}

/** Every error the API returns has this shape: a stable code to branch on, and which field is wrong and why. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ description: 'Stable, machine-readable error code', example: 'CPF_INVALID' }) code: string;
  @ApiProperty({ example: 'check digits do not match' }) message: string;
  @ApiPropertyOptional({ description: 'The input at fault, as a path', example: 'cpf' }) field?: string;
  @ApiPropertyOptional({ description: 'Why that input was rejected', example: 'check digits do not match' })
  reason?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Every problem found, when there are several' })
  errors?: FieldErrorDto[];
}
