import { Cpf } from '@app/shared-kernel';

let counter = 0;

/** A valid CPF nobody else in this run uses, so contract suites can share a real database with old data in it. */
export function uniqueCpf(): Cpf {
  counter = (counter + 1) % 1000;
  const base = String((Date.now() % 1_000_000) * 1000 + counter + Math.floor(Math.random() * 1000) * 1_000_000_000)
    .slice(-9)
    .padStart(9, '1');
  const candidate = base + Cpf.checkDigits(base);
  return Cpf.isValid(candidate) ? Cpf.parse(candidate) : uniqueCpf();
}

/** Integration suites need their server: missing configuration is a failure with a hint, never a skip. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: start the servers with \`npm run services:up && source scripts/services/env.sh\` (or docker compose) before the integration suites`,
    );
  }
  return value;
}
