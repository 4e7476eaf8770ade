/**
 * `--name value` options and `--flag` switches; unknown names are refused so a typo does not silently run the defaults.
 */
export function parseArgs<T extends Record<string, string | number | boolean>>(
  defaults: T,
  usage: string,
  argv = process.argv.slice(2),
): T {
  try {
    return parse(defaults, usage, argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

function parse<T extends Record<string, string | number | boolean>>(defaults: T, usage: string, argv: string[]): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    const m = /^--(no-)?([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument ${arg}\n${usage}`);
    const [, negated, name, inline] = m;
    const key = name!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${name}\n${usage}`);
    const fallback = defaults[key];
    if (typeof fallback === 'boolean') {
      out[key] = !negated;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`--${name} needs a value`);
    if (typeof fallback === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
      out[key] = n;
    } else out[key] = raw;
  }
  return out as T;
}

/** Runs a benchmark's main and exits: with process.exitCode (0 unless it set one), or 1 and the error's stack. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
