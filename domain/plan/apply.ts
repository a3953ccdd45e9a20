/**
 * An edited plan against its running measures (`rectify plan apply`), like `terraform plan`: new
 * measures, changed deadlines, reassignments, changed texts, stages, kinds or policy, measures
 * the file no longer has, and directory changes, each with the request that applies it. Pure.
 *
 * Deadlines and assignments change only when the file names something new: a deadline the file
 * gives is applied unless it is the measure's current one or the one it was planned with (an
 * extension granted since is not undone by a file that still shows the old date); the same for
 * the lead unit and the leader after a reassignment made on the web or the command line.
 */
import type { IsoDate } from '../dates';
import type { MeasureSpec } from '../measure';
import type { MeasureStatus } from '../measure';
import type { Policy } from '../policy';
import type { AmendMeasureRequest } from '../requests';
import { MEASURE_KIND_LABELS } from '../vocabulary';

/** A running measure as the diff needs it (from its getState). */
export interface RunningMeasure {
  measureId: string;
  status: MeasureStatus;
  /** The measure's spec as it now stands (amended by earlier applies). */
  spec: Pick<MeasureSpec, 'title' | 'text' | 'kind' | 'participants' | 'milestones' | 'deadline' | 'leadUnit' | 'leader' | 'policy'>;
  /** Its current deadline (after extensions) and its current lead unit and leader (after reassignments). */
  deadline?: IsoDate;
  leadUnit: string;
  leader: string;
}

export interface MeasureChange {
  measureId: string;
  title: string;
  /** What changed, in words, one line each. */
  words: string[];
  reassign?: { leadUnit?: string; leader?: string };
  amend?: Omit<AmendMeasureRequest, 'actor' | 'reason'>;
  policy?: Policy;
}

export interface PlanDiff {
  planId: string;
  added: { measureId: string; title: string }[];
  removed: { measureId: string; title: string }[];
  changed: MeasureChange[];
  /** The stored plan's changes (directory, policy defaults, calendar options), in words. */
  directory: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function planDiff(planId: string, specs: MeasureSpec[], running: RunningMeasure[], directory: string[]): PlanDiff {
  const byId = new Map(running.map((r) => [r.measureId, r]));
  const inFile = new Set(specs.map((s) => s.id));
  const diff: PlanDiff = { planId, added: [], removed: [], changed: [], directory };
  for (const spec of specs) {
    const r = byId.get(spec.id);
    if (!r) {
      diff.added.push({ measureId: spec.id, title: spec.title });
      continue;
    }
    const change: MeasureChange = { measureId: spec.id, title: spec.title, words: [] };
    const amend: NonNullable<MeasureChange['amend']> = {};
    // The deadline: something new only (see above); a closed measure keeps the deadline it closed under.
    if (
      spec.kind !== 'longterm' &&
      r.status !== 'closed' &&
      spec.deadline &&
      spec.deadline !== r.deadline &&
      spec.deadline !== r.spec.deadline
    ) {
      amend.deadline = spec.deadline;
      change.words.push(`整改时限 ${r.deadline ?? '无'} → ${spec.deadline}`);
    }
    const reassign: NonNullable<MeasureChange['reassign']> = {};
    if (r.status !== 'closed' && spec.leadUnit !== r.leadUnit && spec.leadUnit !== r.spec.leadUnit) {
      reassign.leadUnit = spec.leadUnit;
      change.words.push(`牵头单位 ${r.leadUnit} → ${spec.leadUnit}`);
    }
    if (r.status !== 'closed' && spec.leader !== r.leader && spec.leader !== r.spec.leader) {
      reassign.leader = spec.leader;
      change.words.push(`负责区领导 ${r.leader} → ${spec.leader}`);
    }
    if (spec.title !== r.spec.title) {
      amend.title = spec.title;
      change.words.push(`措施名称 ${r.spec.title} → ${spec.title}`);
    }
    if (spec.text !== r.spec.text) {
      amend.text = spec.text;
      change.words.push('措施内容');
    }
    if (!same([...spec.participants].sort(), [...r.spec.participants].sort())) {
      amend.participants = spec.participants;
      change.words.push(`参与单位 ${r.spec.participants.join('、') || '无'} → ${spec.participants.join('、') || '无'}`);
    }
    if (!same(spec.milestones, r.spec.milestones)) {
      amend.milestones = spec.milestones;
      change.words.push(`阶段节点 ${spec.milestones.map((m) => `${m.deadline} ${m.title}`).join(';') || '无'}`);
    }
    if (spec.kind !== r.spec.kind) {
      amend.kind = spec.kind;
      change.words.push(`整改类别 ${MEASURE_KIND_LABELS[r.spec.kind]} → ${MEASURE_KIND_LABELS[spec.kind]}`);
    }
    if (!same(spec.policy, r.spec.policy)) {
      change.policy = spec.policy;
      change.words.push('提醒规则');
    }
    if (Object.keys(reassign).length) change.reassign = reassign;
    if (Object.keys(amend).length) change.amend = amend;
    if (change.words.length) diff.changed.push(change);
  }
  for (const r of running) if (!inFile.has(r.measureId)) diff.removed.push({ measureId: r.measureId, title: r.spec.title });
  const order = (a: { measureId: string }, b: { measureId: string }) => a.measureId.localeCompare(b.measureId, 'en', { numeric: true });
  diff.added.sort(order);
  diff.removed.sort(order);
  diff.changed.sort(order);
  return diff;
}

export function isEmpty(d: PlanDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.directory.length;
}

/** The difference in lines for the office, grouped as `plan apply` prints it. */
export function describeDiff(d: PlanDiff, prune: boolean): string[] {
  if (isEmpty(d)) return [`计划 ${d.planId}: 与运行中的措施一致,无需调整`];
  const lines = [`计划 ${d.planId} 与运行中的措施相比:`];
  const group = (heading: string, items: string[]) => {
    if (!items.length) return;
    lines.push(`${heading}(${items.length} 项):`);
    for (const i of items) lines.push(`  ${i}`);
  };
  group(
    '新增措施(将启动)',
    d.added.map((a) => `措施 ${a.measureId}「${a.title}」`),
  );
  const changedWith = (pick: (c: MeasureChange) => string[]) =>
    d.changed.flatMap((c) => (pick(c).length ? [`措施 ${c.measureId}「${c.title}」: ${pick(c).join(';')}`] : []));
  group(
    '整改时限变更(作为巡察办决定,时限版本加一,提醒和督办重新安排)',
    changedWith((c) => c.words.filter((w) => w.startsWith('整改时限'))),
  );
  group(
    '分工调整(通知新旧单位和区领导)',
    changedWith((c) => c.words.filter((w) => /^(牵头单位|负责区领导)/.test(w))),
  );
  group(
    '内容变更',
    changedWith((c) => c.words.filter((w) => !/^(整改时限|牵头单位|负责区领导)/.test(w))),
  );
  group(
    prune ? '计划中已删除(将撤销: 停止提醒,工作流结束)' : '计划中已删除(仍在运行;加 --prune 撤销)',
    d.removed.map((r) => `措施 ${r.measureId}「${r.title}」`),
  );
  if (d.directory.length) {
    lines.push(`名录和规则变更(下一次发送起生效,不改动措施):`);
    for (const w of d.directory) lines.push(`  ${w}`);
  }
  return lines;
}
