import { SchemaTypeOptions } from 'mongoose';

/**
 * Money is stored as integer cents, never as a decimal of reais, so sums computed by the database or by
 * another reader cannot drift. The validator only guards writes that bypass the domain (scripts, the shell).
 */
export const centsField: SchemaTypeOptions<number> = {
  type: Number,
  required: true,
  min: 0,
  validate: { validator: (v: number) => Number.isSafeInteger(v), message: '{PATH} must be an integer number of cents' },
};
