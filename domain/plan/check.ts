/**
 * Cross-field checks of a plan that parsed against the schema: references into the
 * directory, duplicates, and dates against each other and the working-day calendar.
 * Returns every finding at once, each with the path of the field it is about.
 */
import { calendarYearProblems, CalendarYearUnavailableError } from '../calendar';
import { chinaCalendar } from '../calendar-data';
import { effectivePolicy } from '../policy';
import type { Plan } from './schema';

export type PlanPath = (string | number)[];

export interface Finding {
  path: PlanPath;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * `measureIndex[i]` is the index in the file of plan.measures[i], when only some measures
 * could be checked (the others failed the schema and are reported from there).
 */
export function checkPlan(plan: Plan, measureIndex?: number[]): Finding[] {
  const findings: Finding[] = [];
  const error = (path: PlanPath, message: string) => findings.push({ path, message, severity: 'error' });
  const warning = (path: PlanPath, message: string) => findings.push({ path, message, severity: 'warning' });

  const unitNames = new Set<string>();
  plan.directory.units.forEach((u, i) => {
    if (unitNames.has(u.name)) error(['directory', 'units', i, 'name'], `单位重复: ${u.name}`);
    unitNames.add(u.name);
  });
  const unitsWithEmail = new Set(plan.directory.units.filter((u) => u.emails.length).map((u) => u.name));
  const leaderRoles = new Set<string>();
  plan.directory.leaders.forEach((l, i) => {
    if (leaderRoles.has(l.role)) error(['directory', 'leaders', i, 'role'], `区领导职务重复: ${l.role}`);
    leaderRoles.add(l.role);
  });

  const problems = new Set<number>();
  plan.problems.forEach((p, i) => {
    if (problems.has(p.no)) error(['problems', i, 'no'], `问题序号重复: ${p.no}`);
    problems.add(p.no);
  });

  for (const p of calendarYearProblems(plan.calendar?.years ?? {})) error(['calendar', 'years', p.year, p.list, p.index], p.message);
  const calendar = chinaCalendar(plan.calendar);
  const provisionalYears = new Set<string>();
  const provisionalRule = plan.calendar?.unpublishedYears === 'weekdays' ? '暂按周一至周五计算工作日' : '暂按法定节假日计算工作日(无调休)';
  const checkDate = (path: PlanPath, date: string) => {
    if (date < plan.feedbackDate) error(path, `${date} 早于反馈日期 ${plan.feedbackDate}`);
    try {
      calendar.isWorkday(date);
      const year = date.slice(0, 4);
      if (calendar.isProvisional(date) && !provisionalYears.has(year)) {
        provisionalYears.add(year);
        warning(path, `${year}年节假日安排未收录,该年的日期${provisionalRule}(结果为临时)`);
      }
    } catch (e) {
      if (e instanceof CalendarYearUnavailableError) error(path, e.message);
      else throw e;
    }
  };

  const ids = new Map<string, number>();
  plan.measures.forEach((m, k) => {
    const i = measureIndex?.[k] ?? k;
    const at = (...rest: PlanPath): PlanPath => ['measures', i, ...rest];
    const first = ids.get(m.id);
    if (first !== undefined) error(at('id'), `措施编号重复: ${m.id}(与 measures[${first}] 相同)`);
    else ids.set(m.id, i);
    if (Number(m.id.split('.')[0]) !== m.problem) error(at('id'), `编号 ${m.id} 与所属问题 ${m.problem} 不一致`);
    if (!problems.has(m.problem)) error(at('problem'), `问题 ${m.problem} 不在 problems 中`);
    if (!unitNames.has(m.leadUnit)) error(at('leadUnit'), `牵头单位不在名录中: ${m.leadUnit}`);
    else if (!unitsWithEmail.has(m.leadUnit))
      error(at('leadUnit'), `牵头单位没有联系邮箱: ${m.leadUnit}(在 directory.units 中补充 emails)`);
    m.participants.forEach((p, j) => {
      if (!unitNames.has(p)) error(at('participants', j), `参与单位不在名录中: ${p}`);
      if (p === m.leadUnit) warning(at('participants', j), `参与单位与牵头单位相同: ${p}`);
    });
    if (!leaderRoles.has(m.leader)) error(at('leader'), `负责区领导不在名录中: ${m.leader}`);

    if (m.kind !== 'longterm' && !m.deadline) error(at('deadline'), '缺少整改时限(除长期坚持类外必填)');
    if (m.deadline) checkDate(at('deadline'), m.deadline);
    if (m.kind === 'phased' && !m.milestones?.length) error(at('milestones'), '分阶段整改措施至少需要一个阶段节点');
    if (m.kind !== 'phased' && m.milestones?.length) error(at('milestones'), `只有分阶段整改(phased)措施才有阶段节点,本措施为 ${m.kind}`);
    if (m.kind !== 'longterm' && m.cadence) error(at('cadence'), `只有长期坚持(longterm)措施才有报送周期,本措施为 ${m.kind}`);
    let previous: string | undefined;
    m.milestones?.forEach((ms, j) => {
      checkDate(at('milestones', j, 'deadline'), ms.deadline);
      if (m.deadline && ms.deadline > m.deadline)
        error(at('milestones', j, 'deadline'), `阶段节点 ${ms.deadline} 晚于整改时限 ${m.deadline}`);
      if (previous && ms.deadline < previous)
        error(at('milestones', j, 'deadline'), `阶段节点应按时间先后排列: ${ms.deadline} 早于上一节点 ${previous}`);
      previous = ms.deadline;
    });
    const policy = effectivePolicy(plan.policy, m.kind, m.policy);
    if (policy.escalation.levels[0]?.afterWorkdays !== 0) {
      error(at('policy', 'escalation', 'levels'), '第一级督办应在逾期当日开始(afterWorkdays: 0)');
    }
  });
  return findings;
}
