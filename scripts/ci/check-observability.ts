import { checkObservabilityReferences } from './observability-refs';

/**
 * CI's check of ops/ (`npm run observability:check`): the Grafana dashboards are valid JSON, every query in them and
 * every Prometheus rule names only metrics, labels and recording rules the apps export, and every alert's runbook is
 * a section of docs/operations.md. promtool checks the rules' syntax and behaviour separately.
 */
const { checked, problems } = checkObservabilityReferences();
if (problems.length) {
  console.error(
    `observability check: ${problems.length} problem(s) in ${checked} expressions:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `observability check: ${checked} expressions in the rules and dashboards name only exported metrics and labels; ` +
    'every alert has a runbook',
);
