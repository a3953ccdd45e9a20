/**
 * What each page shows, as data (the Eta views only lay it out): the overview's figures and
 * charts, the ledger, one measure with its timeline. Pure: records, the report model and the
 * calendar in; view models out.
 */
import { officialText } from '../../domain/typography';
import type { MeasureDetails } from '../../contracts/measure';
import type { WorkCalendar } from '../../domain/calendar';
import { formatInstant, localDate, plainDateZh, zoneWords } from '../../domain/dates';
import { ledgerRow, type LedgerRow } from '../../domain/report/ledger';
import type { ProgressReport } from '../../domain/report/model';
import type { MeasureRecord } from '../../domain/record';
import { tally } from '../../domain/tally';
import type { TimelineEntry } from '../../domain/timeline';
import { CADENCE_LABELS, LIGHT_COLORS, LIGHT_LABELS, MEASURE_KIND_LABELS, STATUS_LABELS } from '../../domain/vocabulary';
import { measureName } from '../../domain/measure-words';

/** 红/黄/绿 with its colour: never colour alone. */
export const LIGHTS = (['red', 'yellow', 'green'] as const).map((l) => ({
  key: l,
  label: LIGHT_LABELS[l],
  short: LIGHT_LABELS[l][0],
  color: LIGHT_COLORS[l],
}));

export interface UnitLights {
  unit: string;
  red: number;
  yellow: number;
  green: number;
  closed: number;
  total: number;
}

export interface Overview {
  report: ProgressReport;
  units: UnitLights[];
  problems: { no: number; title: string; closed: number; total: number; rate: number; state: string }[];
  overdue: LedgerRow[];
  escalated: (LedgerRow & { rung: string; since: string })[];
  /** For the charts script (served as JSON, never run). */
  chartData: { units: UnitLights[]; problems: { no: number; title: string; rate: number }[]; colors: Record<string, string> };
}

const PROBLEM_STATES: Record<string, string> = { closed: '已整改销号', continuing: '持续整改', overdue: '有逾期' };

export function overview(report: ProgressReport, records: MeasureRecord[], now: number, calendar: WorkCalendar): Overview {
  const rows = records.map((r) => ledgerRow(r, now, calendar));
  const byUnit = new Map<string, LedgerRow[]>();
  for (const r of rows) byUnit.set(r.leadUnit, [...(byUnit.get(r.leadUnit) ?? []), r]);
  const unitList = [...byUnit].map(([unit, rs]): UnitLights => {
    const { red, yellow, green, closed, total } = tally(rs);
    return { unit, red, yellow, green, closed, total };
  });
  unitList.sort((a, b) => b.red - a.red || b.yellow - a.yellow || a.unit.localeCompare(b.unit, 'zh-CN'));
  const problems = report.problems.map((p) => {
    const closed = p.measures.filter((m) => m.status === 'closed').length;
    return {
      no: p.no,
      title: p.title,
      closed,
      total: p.measures.length,
      rate: p.measures.length ? Math.round((closed / p.measures.length) * 1000) / 10 : 0,
      state: PROBLEM_STATES[p.state],
    };
  });
  const byWorkflow = new Map(records.map((r) => [r.workflowId, r]));
  const escalated = rows
    .filter((r) => r.status !== 'closed')
    .map((row) => {
      const rec = byWorkflow.get(row.workflowId)!;
      const since = rec.deadlines[rec.deadlines.length - 1]?.since ?? rec.startedAt;
      const current = rec.escalations.filter((e) => e.at >= since);
      const top = current.reduce<(typeof current)[number] | undefined>((a, e) => (!a || e.level > a.level ? e : a), undefined);
      return top
        ? {
            ...row,
            rung: top.leadership ? '已督办至领导小组' : `第${top.level + 1}级督办`,
            since: plainDateZh(localDate(Date.parse(top.at), rec.timeZone)),
            level: top.level,
          }
        : undefined;
    })
    .filter((x): x is LedgerRow & { rung: string; since: string; level: number } => !!x)
    .sort((a, b) => b.level - a.level || (a.workdaysLeft ?? 0) - (b.workdaysLeft ?? 0))
    .map(({ level: _level, ...x }) => x);
  return {
    report,
    units: unitList,
    problems,
    overdue: rows.filter((r) => r.overdue).sort((a, b) => (a.workdaysLeft ?? 0) - (b.workdaysLeft ?? 0)),
    escalated,
    chartData: {
      units: unitList,
      problems: problems.map((p) => ({ no: p.no, title: p.title, rate: p.rate })),
      colors: { ...LIGHT_COLORS, closed: '#607d8b' },
    },
  };
}

export interface MeasurePage {
  row: LedgerRow;
  /** As every surface names it (measureName). */
  name: string;
  text: string;
  problem: string;
  kind: string;
  status: string;
  participants: string;
  deadlines: { deadline: string; since: string; reason?: string; current: boolean }[];
  milestones: { title: string; deadline: string; done: boolean }[];
  reporting?: { cadence: string; done: string[] };
  pendingExtension?: string;
  timeline: (TimelineEntry & { when: string })[];
  /** The zone the timeline's times are in, said once over them: 北京时间. */
  zone: string;
  temporalUrl?: string;
}

export function measurePage(
  d: MeasureDetails,
  record: MeasureRecord,
  entries: TimelineEntry[],
  now: number,
  calendar: WorkCalendar,
  temporalUi?: { url: string; namespace: string },
): MeasurePage {
  const zone = d.spec.timeZone;
  const day = (iso: string) => plainDateZh(localDate(Date.parse(iso), zone));
  return {
    row: ledgerRow(record, now, calendar),
    name: measureName(d.spec.id, d.spec.title),
    text: officialText(d.spec.text),
    problem: `${d.spec.problem.no}. ${officialText(d.spec.problem.title)}`,
    kind: MEASURE_KIND_LABELS[d.spec.kind],
    status: STATUS_LABELS[d.progress.status],
    participants: d.spec.participants.join('、') || '—',
    deadlines: d.deadlines.map((x, i) => ({
      deadline: plainDateZh(x.deadline),
      since: day(x.since),
      reason: x.reason,
      current: i === d.deadlines.length - 1,
    })),
    milestones: d.spec.milestones.map((m, i) => ({
      title: m.title,
      deadline: plainDateZh(m.deadline),
      done: i < d.progress.milestonesDone,
    })),
    reporting:
      d.spec.kind === 'longterm'
        ? { cadence: CADENCE_LABELS[d.spec.cadence ?? d.spec.policy.reporting.cadence], done: d.progress.reportsDone.map(plainDateZh) }
        : undefined,
    pendingExtension: d.pendingExtension
      ? `${d.pendingExtension.by.who}申请延期至${plainDateZh(d.pendingExtension.newDeadline)}（理由：${d.pendingExtension.reason}）`
      : undefined,
    // A stored file is linked under its entry (the words name it without its digest).
    timeline: entries.map((e) => ({ ...e, when: formatInstant(Date.parse(e.at), zone) })),
    zone: zoneWords(zone),
    temporalUrl: temporalUi
      ? `${temporalUi.url.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(d.workflowId)}`
      : undefined,
  };
}
