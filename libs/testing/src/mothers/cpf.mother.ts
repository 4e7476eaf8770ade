import { Cpf } from '@app/shared-kernel';

/** The demo consumer's CPF, valid by construction; 123.456.789-09 formatted. */
export const VALID_CPF = '12345678909';

/** A valid CPF for a 9-digit base, its check digits computed rather than guessed. */
export function cpfFromBase(base: number | string): string {
  const base9 = String(base).padStart(9, '0');
  return base9 + Cpf.checkDigits(base9);
}

/** `count` distinct valid CPFs (digits only), deterministic, none a repeated-digit number. */
export function distinctCpfs(count: number, firstBase = 200_000_000): string[] {
  const cpfs: string[] = [];
  for (let base = firstBase; cpfs.length < count; base += 7_919) {
    const cpf = cpfFromBase(base);
    if (Cpf.isValid(cpf)) cpfs.push(cpf);
  }
  return cpfs;
}
