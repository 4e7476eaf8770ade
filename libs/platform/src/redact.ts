import { Cnpj } from '@app/shared-kernel';

/** Anything shaped like a CPF, formatted or as 11 bare digits, is masked before a log line leaves the process. */
const CPF_PATTERN = /(?<![\d])(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?![\d])/g;

/**
 * Masks CPFs. A valid CNPJ (a company's public registration number, not personal data) stays readable: an alphanumeric
 * one such as ABC12345000199 ends in 11 digits, which alone would read as a CPF and leave the company unidentifiable.
 */
export function redactCpfs(text: string): string {
  const companies = /[A-Za-z]/.test(text) ? Cnpj.spansIn(text) : [];
  return text.replace(CPF_PATTERN, (match: string, _a: string, b: string, c: string, _d: string, offset: number) =>
    companies.some(([start, end]) => offset >= start && offset < end) ? match : `***.${b}.${c}-**`,
  );
}
