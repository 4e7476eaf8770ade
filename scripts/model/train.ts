import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildArtefact } from './build-artefact';
import { ARTEFACT_PATH } from './config';
import { loadGerman, loadTaiwan } from './datasets';
import { evaluateDataset } from './evaluation';
import { progressBar } from './progress';

/**
 * `npm run model:train`: verifies the data hashes, cross-validates (the metrics go into the artefact), fits the
 * production scorecard on all rows and writes the versioned artefact. Deterministic: rerunning yields the same bytes.
 */
function main(): void {
  const datasets = [loadTaiwan(), loadGerman()];
  const progress = progressBar();
  const evaluations = datasets.map((ds) => evaluateDataset(ds, progress));
  const artefact = buildArtefact(datasets, evaluations);
  const path = resolve(__dirname, '../..', ARTEFACT_PATH);
  writeFileSync(path, `${JSON.stringify(artefact, null, 2)}\n`);
  process.stdout.write(
    `wrote ${ARTEFACT_PATH} (${artefact.modelVersion}, ${artefact.features.length} features, intercept ${artefact.intercept})\n`,
  );
  for (const f of artefact.features) {
    const pts = f.bins.map((b) => Math.round(b.points)).join(' / ');
    process.stdout.write(
      `  ${f.name.padEnd(22)} ${f.source.padEnd(15)} coef ${f.coefficient.toFixed(3).padStart(6)}  points ${pts}\n`,
    );
  }
  for (const d of artefact.droppedFeatures) process.stdout.write(`  dropped ${d.name} (${d.source}): ${d.reason}\n`);
}

main();
