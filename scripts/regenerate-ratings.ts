/**
 * Regenerates ratings through the running API and draws the job's progress:
 *   npm run ratings:regenerate -- --all
 *   npm run ratings:regenerate -- --cpf 12345678909 --cpf 98765432100
 *   npm run ratings:regenerate -- --resume <job id>
 * API_URL (default http://127.0.0.1:3000) and API_KEY (a key with ratings:admin) come from the environment.
 */
const base = process.env.API_URL ?? 'http://127.0.0.1:3000';
const key = process.env.API_KEY;

interface Job {
  id: string;
  status: string;
  total: number;
  processed: number;
  failed: number;
  percent: number;
  ratingsPerSecond: number;
  error: string | null;
}

async function call(method: string, path: string, body?: unknown): Promise<Job> {
  const res = await fetch(base + path, { method, headers: { 'x-api-key': key ?? '', 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = (await res.json()) as Job & { code?: string; message?: string };
  if (!res.ok) throw new Error(`${res.status} ${json.code}: ${json.message}`);
  return json;
}

export function progressBar(job: Pick<Job, 'percent' | 'processed' | 'total' | 'ratingsPerSecond' | 'failed' | 'status'>, width = 30): string {
  const filled = Math.round((Math.min(100, job.percent) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${job.percent.toFixed(1).padStart(5)}%  ${job.processed}/${job.total}  ${job.ratingsPerSecond} ratings/s  ${job.failed} failed  ${job.status}`;
}

async function main(args: string[]): Promise<void> {
  if (!key) throw new Error('set API_KEY to a key with the ratings:admin scope (npm run apikey -- create --name ops --scopes ratings:admin)');
  const resume = args.indexOf('--resume');
  const cpfs = args.flatMap((a, i) => (args[i - 1] === '--cpf' ? [a] : []));
  let job: Job;
  if (resume >= 0) job = await call('POST', `/v1/ratings/regenerations/${args[resume + 1]}/resume`);
  else if (args.includes('--all')) job = await call('POST', '/v1/ratings/regenerations', { scope: 'ALL' });
  else if (cpfs.length) job = await call('POST', '/v1/ratings/regenerations', { scope: 'CPFS', cpfs });
  else throw new Error('say what to regenerate: --all, --cpf <cpf> (repeatable) or --resume <job id>');
  console.log(`job ${job.id}`);
  const tty = process.stdout.isTTY;
  while (job.status === 'PENDING' || job.status === 'RUNNING') {
    process.stdout.write(tty ? `\r${progressBar(job)}` : `${progressBar(job)}\n`);
    await new Promise((r) => setTimeout(r, 500));
    job = await call('GET', `/v1/ratings/regenerations/${job.id}`);
  }
  process.stdout.write(`${tty ? '\r' : ''}${progressBar(job)}\n`);
  if (job.status !== 'COMPLETED') throw new Error(`job ${job.status}: ${job.error ?? 'see the rating worker log'}; resume with --resume ${job.id}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
