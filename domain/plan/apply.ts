/**
 * An edited plan against its running measures (`rectify plan apply`), like `terraform plan`: new
 * measures, changed deadlines, reassignments, changed texts, stages, kinds or policy, measures
 * the file no longer has, and directory changes, each with the request that applies it. Pure.
 *
 * Deadlines and assignments change only when the file says something new: each measure keeps what
 * the plan last said (its spec's deadline, lead unit and leader), and only a file that differs
 * from that moves the measure. An extension granted or a reassignment made since is not undone by
 * a file that still shows the old value; a file that already shows the new value only becomes the
 * plan's (a silent bookkeeping change, not listed).
 */
import { plainDateZh, type IsoDate } from '../dates';
import type { MeasureSpec } from '../measure';
import type { MeasureStatus } from '../measure';
import type { Policy } from '../policy';
import type { AmendMeasureRequest } from '../requests';
import { MEASURE_KIND_LABELS } from '../vocabulary';
import { measureName } from '../measure-words';

/** A running measure as the diff needs it (from its getState). */
export interface RunningMeasure {
  measureId: string;
  status: MeasureStatus;
  /** Withdrawn from the plan: its workflow has completed, and its id cannot start again. */
  withdrawn?: boolean;
  /** The measure's spec as it now stands (amended by earlier applies): deadline, lead unit and leader as the plan last said. */
  spec: Pick<
    MeasureSpec,
    'title' | 'text' | 'kind' | 'participants' | 'milestones' | 'deadline' | 'leadUnit' | 'leader' | 'policy' | 'directory'
  >;
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

/** A change to tell people about (not only the plan's bookkeeping). */
const shown = (c: MeasureChange) => c.words.length > 0;

export interface PlanDiff {
  planId: string;
  added: { measureId: string; title: string }[];
  removed: { measureId: string; title: string }[];
  /** In the file, but withdrawn earlier: an id cannot start again (a restored measure needs a new id). */
  withdrawn: { measureId: string; title: string }[];
  /** Every change, those to tell (with words) and the plan's bookkeeping (without). */
  changed: MeasureChange[];
  /** The stored plan's changes (directory, policy defaults, calendar options), in words. */
  directory: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function planDiff(planId: string, specs: MeasureSpec[], running: RunningMeasure[], directory: string[]): PlanDiff {
  const byId = new Map(running.map((r) => [r.measureId, r]));
  const inFile = new Set(specs.map((s) => s.id));
  const diff: PlanDiff = { planId, added: [], removed: [], withdrawn: [], changed: [], directory };
  for (const spec of specs) {
    const r = byId.get(spec.id);
    if (!r) {
      diff.added.push({ measureId: spec.id, title: spec.title });
      continue;
    }
    if (r.withdrawn) {
      diff.withdrawn.push({ measureId: spec.id, title: spec.title });
      continue;
    }
    const change: MeasureChange = { measureId: spec.id, title: spec.title, words: [] };
    const amend: NonNullable<MeasureChange['amend']> = {};
    const open = r.status !== 'closed';
    // The deadline: new when the file no longer says what the plan last said; a closed measure keeps its own.
    if (spec.kind !== 'longterm' && open && spec.deadline && spec.deadline !== r.spec.deadline) {
      amend.deadline = spec.deadline;
      if (spec.deadline !== r.deadline)
        change.words.push(
          `整改时限：${r.deadline ? plainDateZh(r.deadline) : '无'} → ${spec.deadline ? plainDateZh(spec.deadline) : '无'}`,
        );
    }
    const reassign: NonNullable<MeasureChange['reassign']> = {};
    if (open && spec.leadUnit !== r.spec.leadUnit) {
      amend.plannedLeadUnit = spec.leadUnit;
      if (spec.leadUnit !== r.leadUnit) {
        reassign.leadUnit = spec.leadUnit;
        change.words.push(`牵头单位：${r.leadUnit} → ${spec.leadUnit}`);
      }
    }
    if (open && spec.leader !== r.spec.leader) {
      amend.plannedLeader = spec.leader;
      if (spec.leader !== r.leader) {
        reassign.leader = spec.leader;
        change.words.push(`负责区领导：${r.leader} → ${spec.leader}`);
      }
    }
    // The names a reassignment is checked against follow the plan's directory.
    if (!same(spec.directory, r.spec.directory)) amend.directory = spec.directory;
    if (spec.title !== r.spec.title) {
      amend.title = spec.title;
      change.words.push(`措施名称${r.spec.title} → ${spec.title}`);
    }
    if (spec.text !== r.spec.text) {
      amend.text = spec.text;
      change.words.push('措施内容');
    }
    if (!same([...spec.participants].sort(), [...r.spec.participants].sort())) {
      amend.participants = spec.participants;
      change.words.push(`参与单位${r.spec.participants.join('、') || '无'} → ${spec.participants.join('、') || '无'}`);
    }
    if (!same(spec.milestones, r.spec.milestones)) {
      amend.milestones = spec.milestones;
      change.words.push(`阶段节点：${spec.milestones.map((m) => `${plainDateZh(m.deadline)}前${m.title}`).join('；') || '无'}`);
    }
    if (spec.kind !== r.spec.kind) {
      amend.kind = spec.kind;
      change.words.push(`整改类别${MEASURE_KIND_LABELS[r.spec.kind]} → ${MEASURE_KIND_LABELS[spec.kind]}`);
    }
    if (!same(spec.policy, r.spec.policy)) {
      change.policy = spec.policy;
      change.words.push('提醒规则');
    }
    if (Object.keys(reassign).length) change.reassign = reassign;
    if (Object.keys(amend).length) change.amend = amend;
    if (change.amend || change.reassign || change.policy) diff.changed.push(change);
  }
  for (const r of running) if (!inFile.has(r.measureId)) diff.removed.push({ measureId: r.measureId, title: r.spec.title });
  const order = (a: { measureId: string }, b: { measureId: string }) => a.measureId.localeCompare(b.measureId, 'en', { numeric: true });
  diff.added.sort(order);
  diff.removed.sort(order);
  diff.withdrawn.sort(order);
  diff.changed.sort(order);
  return diff;
}

/** Nothing to tell: bookkeeping alone (the plan's values a measure already has) is applied quietly. */
export function isEmpty(d: PlanDiff): boolean {
  return !d.added.length && !d.removed.length && !d.withdrawn.length && !d.changed.some(shown) && !d.directory.length;
}

/** The difference in lines for the office, grouped as `plan apply` prints it. */
export function describeDiff(d: PlanDiff, prune: boolean): string[] {
  if (isEmpty(d)) return [`计划 ${d.planId}：与运行中的措施一致，无需调整`];
  const lines = [`计划 ${d.planId} 与运行中的措施相比：`];
  const group = (heading: string, items: string[]) => {
    if (!items.length) return;
    lines.push(`${heading}（${items.length}项）：`);
    for (const i of items) lines.push(`  ${i}`);
  };
  group(
    '新增措施（将启动）',
    d.added.map((a) => measureName(a.measureId, a.title)),
  );
  const changedWith = (pick: (c: MeasureChange) => string[]) =>
    d.changed.flatMap((c) => (pick(c).length ? [`${measureName(c.measureId, c.title)}：${pick(c).join('；')}`] : []));
  group(
    '整改时限变更（作为巡察办决定，时限版本加一，提醒和督办重新安排）',
    changedWith((c) => c.words.filter((w) => w.startsWith('整改时限'))),
  );
  group(
    '分工调整（通知新旧单位和区领导）',
    changedWith((c) => c.words.filter((w) => /^(牵头单位|负责区领导)/.test(w))),
  );
  group(
    '内容变更',
    changedWith((c) => c.words.filter((w) => !/^(整改时限|牵头单位|负责区领导)/.test(w))),
  );
  group(
    prune ? '计划中已删除（将撤销：停止提醒，工作流结束）' : '计划中已删除（仍在运行；加 --prune 撤销）',
    d.removed.map((r) => measureName(r.measureId, r.title)),
  );
  group(
    '已撤销的措施（不能以原编号重新启动；如需恢复，请用新的编号）',
    d.withdrawn.map((r) => measureName(r.measureId, r.title)),
  );
  if (d.directory.length) {
    lines.push(`名录和规则变更（下一次发送起生效，不改动措施）：`);
    for (const w of d.directory) lines.push(`  ${w}`);
  }
  return lines;
}
