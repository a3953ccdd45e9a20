/**
 * Cross-field checks of a plan: references into the directory, duplicates, and dates against
 * each other and the working-day calendar. They run on whatever of the plan parsed (load.ts
 * salvages each part it can), so that one run lists every finding, each with the path of the
 * field it is about.
 */
import { calendarYearProblems, CalendarYearUnavailableError, type WorkCalendar } from '../calendar';
import { chinaCalendar } from '../calendar-data';
import { dateZh, plainDateZh, type IsoDate } from '../dates';
import { effectivePolicy } from '../policy';
import type { Measure, Plan } from './schema';

export type PlanPath = (string | number)[];

export interface Finding {
  path: PlanPath;
  message: string;
  severity: 'error' | 'warning';
}

/** A plan as far as it parsed: a measure may lack the fields that failed the schema. */
export type CheckablePlan = Omit<Plan, 'measures' | 'feedbackDate'> & {
  /** Missing when it failed the schema: then dates are not compared with it. */
  feedbackDate?: IsoDate;
  /** `failed`: fields present in the file that failed the schema (already reported there). */
  measures: (Partial<Measure> & { participants: string[]; failed?: string[] })[];
  /** False when the calendar section failed the schema: dates are then not checked against it. */
  calendarChecked?: boolean;
};

/**
 * `measureIndex[i]` is the index in the file of plan.measures[i], when only some measures
 * could be checked.
 */
export function checkPlan(plan: CheckablePlan, measureIndex?: number[]): Finding[] {
  const findings: Finding[] = [];
  const error = (path: PlanPath, message: string) => findings.push({ path, message, severity: 'error' });
  const warning = (path: PlanPath, message: string) => findings.push({ path, message, severity: 'warning' });

  const unitNames = new Set<string>();
  plan.directory.units.forEach((u, i) => {
    if (unitNames.has(u.name)) error(['directory', 'units', i, 'name'], `单位重复：${u.name}`);
    unitNames.add(u.name);
  });
  const unitsWithEmail = new Set(plan.directory.units.filter((u) => u.emails.length).map((u) => u.name));
  const leaderRoles = new Set<string>();
  plan.directory.leaders.forEach((l, i) => {
    if (leaderRoles.has(l.role)) error(['directory', 'leaders', i, 'role'], `区领导职务重复：${l.role}`);
    leaderRoles.add(l.role);
  });

  const problems = new Set<number>();
  plan.problems.forEach((p, i) => {
    if (problems.has(p.no)) error(['problems', i, 'no'], `问题序号重复：${p.no}`);
    problems.add(p.no);
  });

  for (const p of calendarYearProblems(plan.calendar?.years ?? {})) error(['calendar', 'years', p.year, p.list, p.index], p.message);
  const calendar = plan.calendarChecked === false ? undefined : chinaCalendar(plan.calendar);
  const dates = datesCheck(plan, calendar, error, warning);

  const ids = new Map<string, number>();
  const leadUnitsWithoutEmail = new Map<string, PlanPath>();
  plan.measures.forEach((m, k) => {
    const i = measureIndex?.[k] ?? k;
    const at = (...rest: PlanPath): PlanPath => ['measures', i, ...rest];
    if (m.id !== undefined) {
      const first = ids.get(m.id);
      if (first !== undefined) error(at('id'), `措施编号重复：${m.id}（与 measures[${first}] 相同）`);
      else ids.set(m.id, i);
      if (m.problem !== undefined && Number(m.id.split('.')[0]) !== m.problem) error(at('id'), `编号${m.id}与所属问题${m.problem}不一致`);
    }
    if (m.problem !== undefined && !problems.has(m.problem)) error(at('problem'), `问题${m.problem}不在 problems 中`);
    if (m.leadUnit !== undefined) {
      if (!unitNames.has(m.leadUnit)) error(at('leadUnit'), `牵头单位不在名录中：${m.leadUnit}`);
      else if (!unitsWithEmail.has(m.leadUnit) && !leadUnitsWithoutEmail.has(m.leadUnit))
        leadUnitsWithoutEmail.set(m.leadUnit, at('leadUnit'));
    }
    m.participants.forEach((p, j) => {
      if (!unitNames.has(p)) error(at('participants', j), `参与单位不在名录中：${p}`);
      if (p === m.leadUnit) warning(at('participants', j), `参与单位与牵头单位相同：${p}`);
    });
    if (m.leader !== undefined && !leaderRoles.has(m.leader)) error(at('leader'), `负责区领导不在名录中：${m.leader}`);

    if (m.kind !== undefined) {
      if (m.kind !== 'longterm' && !m.deadline && !m.failed?.includes('deadline'))
        error(at('deadline'), '缺少整改时限（除长期坚持类外必填）');
      if (m.kind === 'phased' && !m.milestones?.length) error(at('milestones'), '分阶段整改措施至少需要一个阶段节点');
      if (m.kind !== 'phased' && m.milestones?.length)
        error(at('milestones'), `只有分阶段整改（phased）措施才有阶段节点，本措施为${m.kind}`);
      if (m.kind !== 'longterm' && m.cadence) error(at('cadence'), `只有长期坚持（longterm）措施才有报送周期，本措施为${m.kind}`);
      const policy = effectivePolicy(plan.policy, m.kind, m.policy);
      if (policy.escalation.levels[0]?.afterWorkdays !== 0)
        error(at('policy', 'escalation', 'levels'), '第一级督办应在逾期当日开始（afterWorkdays: 0）');
    }
    if (m.deadline) dates.check(at('deadline'), m.deadline, m.id);
    let previous: string | undefined;
    m.milestones?.forEach((ms, j) => {
      dates.check(at('milestones', j, 'deadline'), ms.deadline, m.id);
      if (m.deadline && ms.deadline > m.deadline)
        error(at('milestones', j, 'deadline'), `阶段节点${plainDateZh(ms.deadline)}晚于整改时限（${plainDateZh(m.deadline)}）`);
      if (previous && ms.deadline < previous)
        error(
          at('milestones', j, 'deadline'),
          `阶段节点应按时间先后排列：${plainDateZh(ms.deadline)}早于上一节点（${plainDateZh(previous)}）`,
        );
      previous = ms.deadline;
    });
  });

  // A unit that leads measures but has no address: mail to it goes to the office instead, as a report.
  for (const [unit, path] of leadUnitsWithoutEmail) {
    warning(path, `牵头单位没有联系邮箱：${unit}（给它的通知会改为向巡察办报告未送达；在 directory.units 中补充 emails）`);
  }
  dates.finish();
  return findings;
}

/**
 * Dates against the feedback date and the calendar: unpublished years (an error, or a warning under
 * a provisional rule), and days off, grouped by date: a deadline on a day off falls due at the end
 * of the last working day before it (the one rule the engine applies).
 */
function datesCheck(
  plan: CheckablePlan,
  calendar: WorkCalendar | undefined,
  error: (path: PlanPath, message: string) => void,
  warning: (path: PlanPath, message: string) => void,
) {
  const provisionalYears = new Set<string>();
  const provisionalRule =
    plan.calendar?.unpublishedYears === 'weekdays' ? '暂按周一至周五计算工作日' : '暂按法定节假日计算工作日（无调休）';
  const dayOff = new Map<IsoDate, { path: PlanPath; measures: string[] }>();
  return {
    check(path: PlanPath, date: IsoDate, measureId: string | undefined) {
      if (plan.feedbackDate && date < plan.feedbackDate)
        error(path, `${plainDateZh(date)}早于反馈日期（${plainDateZh(plan.feedbackDate)}）`);
      if (!calendar) return;
      try {
        const workday = calendar.isWorkday(date);
        const year = date.slice(0, 4);
        if (calendar.isProvisional(date) && !provisionalYears.has(year)) {
          provisionalYears.add(year);
          warning(path, `${year}年节假日安排未收录，该年的日期${provisionalRule}（结果为临时）`);
        }
        if (!workday) {
          const entry = dayOff.get(date) ?? { path, measures: [] };
          if (measureId && !entry.measures.includes(measureId)) entry.measures.push(measureId);
          dayOff.set(date, entry);
        }
      } catch (e) {
        if (e instanceof CalendarYearUnavailableError) error(path, e.message);
        else throw e;
      }
    },
    finish() {
      for (const [date, { path, measures }] of [...dayOff].sort(([a], [b]) => a.localeCompare(b))) {
        const due = calendar!.onOrBefore(date);
        const shown = measures.length > 8 ? `${measures.slice(0, 8).join('、')}等${measures.length}项` : measures.join('、');
        warning(path, `${dateZh(date)}不是工作日：按“X前”的规则，于此前最后一个工作日${dateZh(due)}到期（措施${shown}）`);
      }
    },
  };
}

/**
 * Lead units of the plan's measures that no mail can reach (no address in the directory): `start`,
 * `dev` and `plan apply` refuse such a plan, naming them, rather than run measures whose every
 * reminder would only be reported to the office as undelivered.
 */
export function unreachableLeadUnits(plan: Pick<Plan, 'directory' | 'measures'>): string[] {
  const reachable = new Set(plan.directory.units.filter((u) => u.emails.length).map((u) => u.name));
  return [...new Set(plan.measures.map((m) => m.leadUnit).filter((u) => !reachable.has(u)))];
}
