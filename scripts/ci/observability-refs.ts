import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { Metric, MetricObject } from 'prom-client';
import { PROCESS_SPECIFIC_METRICS, collectProcessMetrics, metricsRegistry } from '@app/platform';

const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'ops/prometheus/rules');
const DASHBOARDS_DIR = join(ROOT, 'ops/grafana');
const OPERATIONS_DOC = join(ROOT, 'docs/operations.md');

/** Labels Prometheus adds to every series it scrapes (`app` comes from the targets files). */
const SCRAPE_LABELS = ['app', 'instance', 'job'];
/** Names of ours and of prom-client's default metrics; anything else in an expression is PromQL or Grafana. */
const METRIC_NAME = /(?<![A-Za-z0-9_:$.])((?:credit_|credit:|process_|nodejs_)[A-Za-z0-9_:]*)/g;

/** Every series name the apps export, with the labels it may carry (histograms as their _bucket, _sum, _count). */
export function exportedSeries(): Map<string, Set<string>> {
  collectProcessMetrics();
  const series = new Map<string, Set<string>>();
  const metrics: (Metric | MetricObject)[] = [...metricsRegistry.getMetricsAsArray(), ...PROCESS_SPECIFIC_METRICS];
  for (const metric of metrics) {
    const { name, labelNames, type } = metric as unknown as { name: string; labelNames: string[]; type: string };
    const labels = [...labelNames, ...SCRAPE_LABELS];
    if (type === 'histogram') {
      series.set(`${name}_bucket`, new Set([...labels, 'le']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else if (type === 'summary') {
      series.set(name, new Set([...labels, 'quantile']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else {
      series.set(name, new Set(labels));
    }
  }
  return series;
}

/** The metric and recording-rule names an expression uses (label values ignored). */
export function metricNamesIn(expr: string): string[] {
  const names = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(METRIC_NAME);
  return [...new Set([...names].map((m) => m[1]!))];
}

interface Expression {
  /** Where it was found: `rules credit.rules.yml: alert X`, `dashboard credit-overview.json: panel "Y"`. */
  where: string;
  expr: string;
}

interface RuleFile {
  groups: {
    name: string;
    rules: { record?: string; alert?: string; expr: string; annotations?: Record<string, string> }[];
  }[];
}

export function ruleExpressions(dir = RULES_DIR): { expressions: Expression[]; recorded: Set<string> } {
  const expressions: Expression[] = [];
  const recorded = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))) {
    const doc = yaml.load(readFileSync(join(dir, file), 'utf8')) as RuleFile;
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      if (rule.record) recorded.add(rule.record);
      expressions.push({
        where: `rules ${file}: ${rule.record ? `record ${rule.record}` : `alert ${rule.alert}`}`,
        expr: rule.expr,
      });
    }
  }
  return { expressions, recorded };
}

interface Panel {
  title?: string;
  type?: string;
  panels?: Panel[];
  targets?: { expr?: string }[];
}

/** Parses each dashboard (a JSON error fails the check) and lists its panels' queries and its variables' queries. */
function dashboardExpressions(dir = DASHBOARDS_DIR): { expressions: Expression[]; problems: string[] } {
  const expressions: Expression[] = [];
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    let doc: {
      uid?: string;
      title?: string;
      panels?: Panel[];
      templating?: { list?: { name: string; query?: unknown }[] };
    };
    try {
      doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`dashboard ${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    if (!doc.uid || !doc.title || !Array.isArray(doc.panels))
      problems.push(`dashboard ${file}: needs a uid, a title and panels`);
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        if (panel.type !== 'row' && !panel.targets?.length)
          problems.push(`dashboard ${file}: panel "${panel.title}" has no query`);
        for (const target of panel.targets ?? []) {
          if (target.expr) expressions.push({ where: `dashboard ${file}: panel "${panel.title}"`, expr: target.expr });
        }
        walk(panel.panels ?? []);
      }
    };
    walk(doc.panels ?? []);
    for (const variable of doc.templating?.list ?? []) {
      if (typeof variable.query === 'string')
        expressions.push({ where: `dashboard ${file}: variable ${variable.name}`, expr: variable.query });
    }
  }
  return { expressions, problems };
}

/**
 * What an expression names that the apps do not export: unknown metrics, recording rules that do not exist, label
 * matchers on labels the metric does not have, and `by (...)` labels that none of its metrics carries.
 */
export function unknownReferences(e: Expression, exported: Map<string, Set<string>>, recorded: Set<string>): string[] {
  const problems: string[] = [];
  // Label values may look like anything ("/v1/credit-analyses/:cpf"); only names and matchers matter.
  const expr = e.expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const labelsInScope = new Set<string>();
  let recordedInScope = false;
  for (const match of expr.matchAll(new RegExp(`${METRIC_NAME.source}(\\s*\\{([^}]*)\\})?`, 'g'))) {
    const name = match[1]!;
    if (name.includes(':')) {
      if (!recorded.has(name)) problems.push(`${e.where}: no recording rule ${name}`);
      recordedInScope = true;
      continue;
    }
    const labels = exported.get(name);
    if (!labels) {
      problems.push(`${e.where}: ${name} is not a metric the apps export`);
      continue;
    }
    labels.forEach((l) => labelsInScope.add(l));
    for (const [, label] of (match[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (!labels.has(label!)) problems.push(`${e.where}: ${name} has no label ${label}`);
    }
  }
  if (!recordedInScope) {
    for (const [, list] of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
      for (const label of list!
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)) {
        if (!labelsInScope.has(label)) problems.push(`${e.where}: no metric of the expression has a label ${label}`);
      }
    }
  }
  return problems;
}

/**
 * Alerts whose `runbook` annotation does not lead to a section of docs/operations.md: each must name
 * `docs/operations.md#<anchor>`, the anchor of a heading there (lower-cased, as GitHub makes it).
 */
export function missingRunbooks(dir = RULES_DIR, doc = readFileSync(OPERATIONS_DOC, 'utf8')): string[] {
  const anchors = new Set(
    [...doc.matchAll(/^#{2,4} (.+)$/gm)].map(([, title]) =>
      title!
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))) {
    const rules = (yaml.load(readFileSync(join(dir, file), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
    for (const rule of rules.filter((r) => r.alert)) {
      const [path, anchor] = (rule.annotations?.runbook ?? '').split('#');
      if (path !== 'docs/operations.md' || !anchor || !anchors.has(anchor)) {
        problems.push(`rules ${file}: alert ${rule.alert} has no runbook section in docs/operations.md`);
      }
    }
  }
  return problems;
}

/**
 * The whole check CI runs: the dashboards parse, rules and dashboards name only what the apps export, and every alert
 * has its runbook.
 */
export function checkObservabilityReferences(): { checked: number; problems: string[] } {
  const exported = exportedSeries();
  const rules = ruleExpressions();
  const dashboards = dashboardExpressions();
  const all = [...rules.expressions, ...dashboards.expressions];
  const problems = [
    ...dashboards.problems,
    ...all.flatMap((e) => unknownReferences(e, exported, rules.recorded)),
    ...missingRunbooks(),
  ];
  return { checked: all.length, problems };
}
