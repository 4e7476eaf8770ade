/** Anything shaped like a CPF, formatted or as 11 bare digits, is masked before a log line leaves the process. */
const CPF_PATTERN = /(?<![\d])(\d{3})\.?(\d{3})\.?(\d{3})-?(\d{2})(?![\d])/g;

export function redactCpfs(text: string): string {
  return text.replace(CPF_PATTERN, (_m, _a: string, b: string, c: string) => `***.${b}.${c}-**`);
}
