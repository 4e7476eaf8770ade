import { checkObservabilityReferences, exportedSeries, missingRunbooks, unknownReferences } from './observability-refs';

describe('Rules and dashboards name only what the apps export', () => {
  it("holds for the repository's rules and dashboard", () => {
    const { checked, problems } = checkObservabilityReferences();
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('names a metric, a label or a recording rule that does not exist, and accepts real ones', () => {
    const exported = exportedSeries();
    const recorded = new Set(['credit:cached_read_latency_seconds:p99_5m']);
    const check = (expr: string) => unknownReferences({ where: 'test', expr }, exported, recorded);
    expect(check('sum by (queue) (rate(credit_rabbitmq_messages_acked_total{queue="a"}[5m]))')).toEqual([]);
    expect(
      check(
        'histogram_quantile(0.99, sum by (le) (rate(credit_http_request_duration_seconds_bucket{cache="hit"}[5m])))',
      ),
    ).toEqual([]);
    expect(check('credit:cached_read_latency_seconds:p99_5m > 0.01')).toEqual([]);
    expect(check('rate(credit_http_requests_total[5m])')).toEqual([
      'test: credit_http_requests_total is not a metric the apps export',
    ]);
    expect(check('credit_store_call_errors_total{cpf="123"}')).toEqual([
      'test: credit_store_call_errors_total has no label cpf',
    ]);
    expect(check('sum by (tenant) (credit_journal_backlog_entries)')).toEqual([
      'test: no metric of the expression has a label tenant',
    ]);
    expect(check('credit:nothing_recorded > 1')).toEqual(['test: no recording rule credit:nothing_recorded']);
    // Label values are not names: a route template with "credit" in it is not a metric.
    expect(check('credit_http_request_duration_seconds_count{route="/v1/credit_analyses/:cpf"}')).toEqual([]);
  });

  it('finds an alert whose runbook leads nowhere', () => {
    expect(missingRunbooks()).toEqual([]);
    const withoutSection = '# Operations\n\n## Alerts\n\n### CachedReadP99High\n';
    const problems = missingRunbooks(undefined, withoutSection);
    expect(problems).toContain(
      'rules credit.rules.yml: alert AnalysisErrors has no runbook section in docs/operations.md',
    );
    expect(problems.some((p) => p.includes('CachedReadP99High'))).toBe(false);
  });
});
