import { auc } from '@app/credit-domain';
import { Dataset } from './datasets';

interface GroupStats {
  group: string;
  count: number;
  observedBadRate: number;
  meanPredictedPd: number;
  /** Share approved under the audit rule (PD below the cut-off). */
  approvalRate: number;
  /** Share of the actually good applicants that would be approved (equal-opportunity view). */
  approvalRateAmongGood: number;
  auc: number;
}

interface AttributeAudit {
  attribute: string;
  groups: GroupStats[];
  /** Lowest approval rate over highest; below 0.8 fails the usual four-fifths rule. */
  disparateImpactRatio: number;
}

/** The protected attributes of each data set, decoded into readable groups. They never enter a score. */
export function protectedGroups(ds: Dataset): { attribute: string; groupOf: (row: number) => string }[] {
  if (ds.name === 'taiwan') {
    const sex: Record<string, string> = { '1': 'male', '2': 'female' };
    const marriage: Record<string, string> = { '1': 'married', '2': 'single', '3': 'other', '0': 'not stated' };
    return [
      { attribute: 'SEX', groupOf: (r) => sex[ds.categorical.SEX[r]] ?? `code ${ds.categorical.SEX[r]}` },
      {
        attribute: 'MARRIAGE',
        groupOf: (r) => marriage[ds.categorical.MARRIAGE[r]] ?? `code ${ds.categorical.MARRIAGE[r]}`,
      },
    ];
  }
  const status: Record<string, string> = {
    A91: 'male divorced/separated',
    A92: 'female div./sep./married',
    A93: 'male single',
    A94: 'male married/widowed',
    A95: 'female single',
  };
  return [
    { attribute: 'A9 sex', groupOf: (r) => (['A92', 'A95'].includes(ds.categorical.A9[r]) ? 'female' : 'male') },
    { attribute: 'A9 personal status', groupOf: (r) => status[ds.categorical.A9[r]] ?? ds.categorical.A9[r] },
    {
      attribute: 'A20 foreign worker',
      groupOf: (r) => (ds.categorical.A20[r] === 'A201' ? 'foreign worker' : 'not foreign worker'),
    },
  ];
}

export function auditAttribute(
  ds: Dataset,
  attribute: string,
  groupOf: (row: number) => string,
  pd: Float64Array,
  maxPd: number,
): AttributeAudit {
  const rowsByGroup = new Map<string, number[]>();
  for (let r = 0; r < ds.rowCount; r++) {
    const g = groupOf(r);
    const rows = rowsByGroup.get(g);
    if (rows) rows.push(r);
    else rowsByGroup.set(g, [r]);
  }
  const groups = [...rowsByGroup.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([group, rows]) => {
      const bad = Float64Array.from(rows, (r) => ds.bad[r]);
      const p = Float64Array.from(rows, (r) => pd[r]);
      const goods = rows.filter((r) => ds.bad[r] === 0);
      return {
        group,
        count: rows.length,
        observedBadRate: bad.reduce((s, b) => s + b, 0) / rows.length,
        meanPredictedPd: p.reduce((s, v) => s + v, 0) / rows.length,
        approvalRate: rows.filter((r) => pd[r] < maxPd).length / rows.length,
        approvalRateAmongGood: goods.length ? goods.filter((r) => pd[r] < maxPd).length / goods.length : NaN,
        auc: auc(bad, p),
      };
    });
  const rates = groups.map((g) => g.approvalRate);
  return { attribute, groups, disparateImpactRatio: Math.min(...rates) / Math.max(...rates) };
}
