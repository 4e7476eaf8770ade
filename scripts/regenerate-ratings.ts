/**
 * Regenerates ratings through the running API (`--all [--model <version>]`, `--cpf <cpf>...`, `--resume <job id>`),
 * draws the job's progress and prints the band moves (docs/rating-engine.md, "A model release"). API_URL and API_KEY
 * (a key with ratings:admin) come from the environment.
 */
const base = process.env.API_URL ?? 'http://127.0.0.1:3000';
const key = process.env.API_KEY;

interface Job {
  id: string;
  status: string;
  modelVersion: string;
  total: number;
  processed: number;
  rated: number;
  unchanged: number;
  failed: number;
  percent: number;
  ratingsPerSecond: number;
  partitions: { total: number; completed: number; running: number; stalled: number; failed: number; pending: number };
  bandMoves: { from: string; up: number; down: number; same: number }[];
  newlyRated: number;
  error: string | null;
}

async function call(method: string, path: string, body?: unknown): Promise<Job> {
  const res = await fetch(base + path, {
    method,
    headers: { 'x-api-key': key ?? '', 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Job & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${res.status} ${json.code}: ${json.message}`);
  return json;
}

export function progressBar(
  job: Pick<Job, 'percent' | 'processed' | 'total' | 'ratingsPerSecond' | 'failed' | 'status'>,
  width = 30,
): string {
  const filled = Math.round((Math.min(100, job.percent) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${job.percent.toFixed(1).padStart(5)}%  ${job.processed}/${job.total}  ${job.ratingsPerSecond} ratings/s  ${job.failed} failed  ${job.status}`;
}

/** What a completed job did, band by band: the report of a model release. */
export function bandReport(
  job: Pick<Job, 'modelVersion' | 'rated' | 'unchanged' | 'bandMoves' | 'newlyRated'>,
): string {
  const rows = job.bandMoves.map(
    (b) => `  ${b.from}      ${String(b.up).padStart(9)} ${String(b.down).padStart(9)} ${String(b.same).padStart(9)}`,
  );
  return [
    `model ${job.modelVersion}: ${job.rated} ratings changed, ${job.unchanged} unchanged, ${job.newlyRated} rated for the first time`,
    '  from   moved up  moved down  stayed',
    ...rows,
  ].join('\n');
}

async function main(args: string[]): Promise<void> {
  if (!key)
    throw new Error(
      'set API_KEY to a key with the ratings:admin scope (npm run apikey -- create --name ops --scopes ratings:admin)',
    );
  const resume = args.indexOf('--resume');
  const cpfs = args.flatMap((a, i) => (args[i - 1] === '--cpf' ? [a] : []));
  const model = args.indexOf('--model');
  const modelVersion = model >= 0 ? args[model + 1] : undefined;
  let job: Job;
  if (resume >= 0) job = await call('POST', `/v1/ratings/regenerations/${args[resume + 1]}/resume`);
  else if (args.includes('--all'))
    job = await call('POST', '/v1/ratings/regenerations', { scope: 'ALL', modelVersion });
  else if (cpfs.length) job = await call('POST', '/v1/ratings/regenerations', { scope: 'CPFS', cpfs, modelVersion });
  else
    throw new Error('say what to regenerate: --all [--model <version>], --cpf <cpf> (repeatable) or --resume <job id>');
  console.log(`job ${job.id}`);
  const tty = process.stdout.isTTY;
  while (job.status === 'PENDING' || job.status === 'RUNNING') {
    process.stdout.write(tty ? `\r${progressBar(job)}` : `${progressBar(job)}\n`);
    await new Promise((r) => setTimeout(r, 500));
    job = await call('GET', `/v1/ratings/regenerations/${job.id}`);
  }
  process.stdout.write(`${tty ? '\r' : ''}${progressBar(job)}\n`);
  if (job.status !== 'COMPLETED')
    throw new Error(`job ${job.status}: ${job.error ?? 'see the rating worker log'}; resume with --resume ${job.id}`);
  console.log(bandReport(job));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
