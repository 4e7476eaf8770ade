import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreditModelArtefact, calibrationTable, MetricSet } from '@app/credit-domain';
import { ARTEFACT_PATH, AUDIT_APPROVAL_MAX_PD, SEED, TARGETS } from './config';
import { DATASETS, loadGerman, loadTaiwan } from './datasets';
import { DatasetEvaluation, evaluateDataset } from './evaluation';
import { auditAttribute, protectedGroups } from './fairness';
import { progressBar } from './progress';
import { fixed, pct, table } from './report-format';

/**
 * `npm run model:evaluate`: fixed-seed stratified cross-validation on both public data sets, printed beside the
 * published figures, with calibration by decile and a fairness audit on the attributes kept out of the score.
 * Ends with one PASS/FAIL line per data set and exits non-zero if any target is missed.
 */

const out = (s = ''): void => {
  process.stdout.write(`${s}\n`);
};

function metricRow(name: string, m: MetricSet): (string | number)[] {
  return [name, fixed(m.auc), fixed(m.gini), fixed(m.ks), fixed(m.brier), fixed(m.accuracy), fixed(m.errorRate)];
}

const PUBLISHED: Record<string, (string | number)[][]> = {
  taiwan: [
    ['Yeh & Lien (2009), logistic regression', '–', '–', '–', '–', '0.82', '0.18'],
    ['Yeh & Lien (2009), best method (neural net)', '–', '–', '–', '–', '0.83', '0.17'],
    ['later work, gradient boosting (about)', '0.78', '0.56', '–', '–', '–', '–'],
  ],
  german: [
    ['OpenML AMLB (Gijsbers 2019), random forest', '0.795', '0.590', '–', '–', '–', '–'],
    ['OpenML AMLB (Gijsbers 2019), auto-sklearn', '0.783', '0.566', '–', '–', '–', '–'],
  ],
};

function printDataset(e: DatasetEvaluation): void {
  const ds = e.dataset;
  const bads = ds.bad.reduce((s, b) => s + b, 0);
  out(`## ${DATASETS[ds.name].title}`);
  out(`rows ${ds.rowCount}, bad ${bads} (${pct(bads / ds.rowCount)}), sha256 ${ds.sha256} (verified)`);
  out(`${e.folds}-fold stratified cross-validation, seed ${SEED}; accuracy / error at PD ≥ 0.5`);
  out();
  out(
    table(
      ['model', 'AUC', 'Gini', 'KS', 'Brier', 'accuracy', 'error'],
      [
        metricRow('WoE logistic, all non-protected columns (benchmark)', e.benchmark.metrics),
        metricRow('WoE logistic, production features only', e.productionFeatures.metrics),
        ...(e.challenger
          ? [metricRow('challenger: gradient boosting (100 trees, depth 3)', e.challenger.metrics)]
          : []),
        ...PUBLISHED[ds.name],
      ],
    ),
  );
  out();
  out('Calibration on out-of-fold predictions, by decile of predicted PD:');
  const cb = calibrationTable(ds.bad, e.benchmark.oof);
  const cp = calibrationTable(ds.bad, e.productionFeatures.oof);
  out(
    table(
      ['decile', 'n', 'benchmark predicted', 'benchmark observed', 'production predicted', 'production observed'],
      cb.map((row, i) => [
        String(row.group),
        String(row.count),
        pct(row.meanPredicted),
        pct(row.observedRate),
        pct(cp[i].meanPredicted),
        pct(cp[i].observedRate),
      ]),
    ),
  );
  out();
  out(
    `Fairness audit (attributes excluded from every score; approval = PD < ${AUDIT_APPROVAL_MAX_PD}, i.e. band C or better):`,
  );
  for (const { attribute, groupOf } of protectedGroups(ds)) {
    const bench = auditAttribute(ds, attribute, groupOf, e.benchmark.oof, AUDIT_APPROVAL_MAX_PD);
    const prod = auditAttribute(ds, attribute, groupOf, e.productionFeatures.oof, AUDIT_APPROVAL_MAX_PD);
    out(
      `${attribute}: disparate impact ratio (lowest / highest approval rate) benchmark ${fixed(bench.disparateImpactRatio, 3)}, production features ${fixed(prod.disparateImpactRatio, 3)}`,
    );
    out(
      table(
        [
          'group',
          'n',
          'bad rate',
          'bench mean PD',
          'bench approved',
          'bench approved|good',
          'bench AUC',
          'prod mean PD',
          'prod approved',
          'prod approved|good',
          'prod AUC',
        ],
        bench.groups.map((g, i) => {
          const p = prod.groups[i];
          return [
            g.group,
            String(g.count),
            pct(g.observedBadRate),
            pct(g.meanPredictedPd),
            pct(g.approvalRate),
            pct(g.approvalRateAmongGood),
            fixed(g.auc, 3),
            pct(p.meanPredictedPd),
            pct(p.approvalRate),
            pct(p.approvalRateAmongGood),
            fixed(p.auc, 3),
          ];
        }),
      ),
    );
  }
  out();
}

function verdict(e: DatasetEvaluation): { pass: boolean; line: string } {
  const m = e.benchmark.metrics;
  if (e.dataset.name === 'taiwan') {
    const t = TARGETS.taiwan;
    const pass = m.auc >= t.minAuc && m.errorRate <= t.maxErrorRate;
    return {
      pass,
      line: `taiwan: ${pass ? 'PASS' : 'FAIL'} — AUC ${fixed(m.auc)} (target ≥ ${t.minAuc}), error rate ${fixed(m.errorRate)} (target ≤ ${t.maxErrorRate}, Yeh & Lien 2009 logistic regression)`,
    };
  }
  const t = TARGETS.german;
  const pass = m.auc >= t.minAuc;
  return {
    pass,
    line: `german: ${pass ? 'PASS' : 'FAIL'} — ${e.folds}-fold AUC ${fixed(m.auc)} (target ≥ ${t.minAuc}; AMLB random forest 0.795, auto-sklearn 0.783)`,
  };
}

/** Warns (does not fail) when the checked-in artefact records other metrics than a fresh run: it needs retraining. */
function artefactFreshness(evaluations: DatasetEvaluation[]): string {
  let artefact: CreditModelArtefact;
  try {
    artefact = JSON.parse(readFileSync(resolve(__dirname, '../..', ARTEFACT_PATH), 'utf8')) as CreditModelArtefact;
  } catch {
    return `artefact ${ARTEFACT_PATH}: missing — run npm run model:train`;
  }
  const stale = evaluations.filter((e) => {
    const rec = artefact.metrics[e.dataset.name];
    return (
      !rec ||
      Math.abs(rec.benchmark.auc - e.benchmark.metrics.auc) > 1e-6 ||
      Math.abs(rec.productionFeatures.auc - e.productionFeatures.metrics.auc) > 1e-6
    );
  });
  return stale.length
    ? `artefact ${ARTEFACT_PATH} (${artefact.modelVersion}): recorded metrics differ for ${stale.map((e) => e.dataset.name).join(', ')} — run npm run model:train`
    : `artefact ${ARTEFACT_PATH} (${artefact.modelVersion}): recorded metrics match this run`;
}

function main(): void {
  const started = Date.now();
  const progress = progressBar();
  // The challenger costs about half the run time; `-- --no-challenger` skips it.
  const challenger = !process.argv.includes('--no-challenger');
  const evaluations = [loadTaiwan(), loadGerman()].map((ds) => evaluateDataset(ds, progress, { challenger }));
  out('# Credit model evaluation');
  out();
  evaluations.forEach(printDataset);
  out(artefactFreshness(evaluations));
  out(`elapsed ${((Date.now() - started) / 1000).toFixed(1)}s`);
  out();
  const verdicts = evaluations.map(verdict);
  verdicts.forEach((v) => out(v.line));
  if (verdicts.some((v) => !v.pass)) process.exitCode = 1;
}

main();
