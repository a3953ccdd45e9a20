/** Measures on the command line: status, show, and the requests people make of a measure. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Command } from 'commander';
import { loadPlan } from '../../config/plan-files';
import { measureWorkflowId } from '../../contracts/ids';
import { summaryOf, type MeasureSummary, type MeasureView } from '../../contracts/measure';
import * as msg from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import type { WorkCalendar } from '../../domain/calendar';
import { chinaCalendar } from '../../domain/calendar-data';
import { dateZh, formatInstant, localDate, plainDateZh } from '../../domain/dates';
import { deadlineWords, latestWord, latestWordLine, linksLine, measureName } from '../../domain/measure-words';
import { standing, type MeasureRecord } from '../../domain/record';
import { tally, tallyWords, type Tally } from '../../domain/tally';
import { officialText } from '../../domain/typography';
import type { Actor } from '../../domain/notice';
import type { TimelineEntry } from '../../domain/timeline';
import { effectivePolicy } from '../../domain/policy';
import {
  auditWords,
  DESK_LIGHT_LABELS,
  LIGHT_LABELS,
  LOOKBACK_STATUS_LABELS,
  MEASURE_KIND_LABELS,
  MEASURE_LOOKBACK_STATES,
  STATUS_LABELS,
} from '../../domain/vocabulary';
import { nearest, parseActor, resolveMeasure, runningValues, sendRequest, unknownPlan } from '../actions';
import { listMeasures, type MeasureRow } from '../measures';
import { reportAction, type Reported } from './acted';
import { InputError, need, oneOf, UsageError, withClient, ZONE } from './common';

/** Working days from today to a row's due date, for open measures (negative: overdue). */
function rowWorkdays(r: MeasureRow, calendar: WorkCalendar, today: string): number | undefined {
  if (!r.deadline || r.status === 'closed' || !r.status) return undefined;
  return calendar.workdaysBetween(today, localDate(Date.parse(r.deadline), ZONE));
}

function leftWords(n: number | undefined): string {
  return n === undefined ? '' : n >= 0 ? `剩${n}个工作日` : `已逾期${-n}个工作日`;
}

function formatRow(r: MeasureRow, left: number | undefined): string {
  const due = r.deadline ? localDate(Date.parse(r.deadline), ZONE) : undefined;
  const light = r.trafficLight ? LIGHT_LABELS[r.trafficLight as keyof typeof LIGHT_LABELS] : '启动中';
  const status = r.status ? (STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status) : '启动中';
  const lookback = LOOKBACK_STATUS_LABELS[r.lookbackStatus ?? ''] ?? '';
  const deadline = r.kind === 'longterm' || !due ? MEASURE_KIND_LABELS.longterm : deadlineWords(r.writtenDeadline ?? due, due);
  return [r.measureId, light, status, deadline, leftWords(left), r.leadUnit, r.leader, lookback].join('\t').trimEnd();
}

/** The timeline as lines: time, who, what; recipients and Message-IDs indented below. */
export function timelineLines(entries: TimelineEntry[], zone: string): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${formatInstant(Date.parse(e.at), zone)}  ${e.who ?? ''}  ${e.what}`.replace(/ {3,}/g, '  '));
    for (const t of e.to ?? [])
      lines.push(`    → ${t.label}${t.messageId ? `  Message-ID ${t.messageId}` : t.digest ? '  并入当日汇总邮件' : ''}`);
    for (const p of e.problems ?? []) lines.push(`    ✗ 未送达：${p}`);
  }
  return lines;
}

/** One line for a measure as an Update (or a query) left it; a closed one is 已销号, never overdue. */
export function summaryLine(v: MeasureSummary): string {
  const deadline = v.deadline ? deadlineWords(v.deadline, v.dueDate) : MEASURE_KIND_LABELS.longterm;
  const left = v.status === 'closed' || v.workdaysLeft === undefined ? '' : `，${leftWords(v.workdaysLeft)}`;
  const pending = v.pendingExtension ? `，待审批延期至${dateZh(v.pendingExtension.newDeadline)}` : '';
  const who = `牵头单位：${v.leadUnit}；负责区领导：${v.leader}`;
  return `${measureName(v.measureId, v.title)}：${STATUS_LABELS[v.status]}，${LIGHT_LABELS[v.trafficLight]}；整改时限：${deadline}${left}；${who}${pending}`;
}

/** `rectify show`: the measure as the office reads it, in Chinese; with its record, its latest word as every surface gives it. */
export function showLines(v: MeasureView, record?: MeasureRecord): string[] {
  const zone = v.spec.timeZone;
  const word = record && latestWord(record, standing(record, Date.now()));
  const lines = [
    summaryLine(summaryOf(v)),
    ...(word ? [latestWordLine(word), ...(word.links.length ? [`  ${linksLine(word.links)}`] : [])] : []),
    `问题${v.spec.problem.no}：${officialText(v.spec.problem.title)}`,
    `类型：${MEASURE_KIND_LABELS[v.spec.kind]}`,
    `措施内容：${officialText(v.spec.text)}`,
    ...(v.spec.participants.length ? [`参与单位：${v.spec.participants.join('、')}`] : []),
  ];
  if (v.withdrawn)
    lines.unshift(
      `已撤销：${formatInstant(Date.parse(v.withdrawn.at), zone)}由${v.withdrawn.by.who}撤销，不再跟踪；理由：${officialText(v.withdrawn.reason)}`,
    );
  v.spec.milestones.forEach((m, i) => {
    const state = i < v.progress.milestonesDone ? '已完成' : i === v.progress.milestonesDone ? '进行中' : '未开始';
    lines.push(`阶段节点${i + 1}：${m.title}（${dateZh(m.deadline)}）${state}`);
  });
  if (v.spec.kind === 'longterm' && v.progress.reportsDone.length) lines.push(`已报送进展：截至${v.progress.reportsDone.join('、')}`);
  if (v.pendingExtension) lines.push(`待审批延期：至${dateZh(v.pendingExtension.newDeadline)}（理由：${v.pendingExtension.reason}）`);
  for (const d of v.deadlines.slice(1))
    lines.push(`时限调整：第${d.version}版为${plainDateZh(d.deadline)}${d.reason ? `（${d.reason}）` : ''}`);
  if (v.closedAt) lines.push(`销号时间：${formatInstant(Date.parse(v.closedAt), zone)}`);
  const last = v.lookbacks?.at(-1);
  if (last) {
    const campaign = last.campaign ? `“${last.campaign}”专项` : '销号后';
    const started = formatInstant(Date.parse(last.startedAt), zone);
    lines.push(`回头看：第${last.round}次，${campaign}，${started}开始，${LOOKBACK_STATUS_LABELS[last.outcome ?? 'in-review']}`);
  }
  if (v.audit.length) lines.push('最近的操作：');
  for (const a of v.audit.slice(-8)) lines.push(`  ${formatInstant(Date.parse(a.at), zone)} ${a.actor.who} ${auditWords(a)}`);
  if (v.nextNoticeAt && v.progress.status !== 'closed' && !v.withdrawn)
    lines.push(`下一次提醒或督办：${formatInstant(Date.parse(v.nextNoticeAt), zone)}`);
  return lines;
}

/** Sends one request to one measure and prints the measure as it now stands. Bad input fails before connecting. */
async function act<R>(
  measureId: string,
  plan: string | undefined,
  request: R,
  update: UpdateDefinition<MeasureSummary, [R]>,
  report?: Reported,
): Promise<void> {
  await withClient(async (client) => {
    const workflowId = await resolveMeasure(client, measureId, plan);
    const summary = await sendRequest(client, workflowId, update, request);
    if (report) for (const line of await reportAction(client.workflow.getHandle(workflowId), report)) console.log(line);
    console.log(summaryLine(summary));
  });
}

const ACTOR_HELP = '操作人: unit:<牵头单位> | office:<经办人> | leader:<职务> | leadership:<名称>';

/** A request command: <措施> with --as and --plan, and its own options. */
function requestCommand(program: Command, name: string, description: string, example: string): Command {
  return program
    .command(`${name} <measure>`)
    .description(description)
    .option('--as <actor>', ACTOR_HELP)
    .option('--plan <id>', '措施编号在多个计划中时指定计划')
    .addHelpText('after', `\n示例：\n  ${example}`);
}

/** Above this many measures, an unfiltered `status` gives the counts by plan and unit instead of every line. */
export const SUMMARY_ABOVE = 1000;

/** Counts by plan and lead unit: measures, 红/黄/绿 among the open, 已销号; units with red first. */
export function statusSummary(rows: MeasureRow[]): string[] {
  const plans = new Map<string, { rows: MeasureRow[]; units: Map<string, MeasureRow[]> }>();
  for (const r of rows) {
    const plan = plans.get(r.planId ?? '') ?? { rows: [], units: new Map<string, MeasureRow[]>() };
    plans.set(r.planId ?? '', plan);
    plan.rows.push(r);
    plan.units.set(r.leadUnit ?? '', [...(plan.units.get(r.leadUnit ?? '') ?? []), r]);
  }
  const counted = (rs: MeasureRow[]) => tally(rs.map((r) => ({ status: r.status, light: r.trafficLight })));
  const line = (name: string, c: Tally) => [name, c.total, c.red, c.yellow, c.green, c.closed].join('\t');
  const out = [['计划 / 牵头单位', '措施', ...(['red', 'yellow', 'green', 'closed'] as const).map((k) => DESK_LIGHT_LABELS[k])].join('\t')];
  for (const [id, p] of [...plans].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(line(`计划 ${id}`, counted(p.rows)));
    const units = [...p.units].map(([unit, rs]) => [unit, counted(rs)] as const);
    units.sort((a, b) => b[1].red - a[1].red || a[0].localeCompare(b[0], 'zh-CN'));
    for (const [unit, c] of units) out.push(line(`  ${unit}`, c));
  }
  return out;
}

export function registerMeasureCommands(program: Command): void {
  program
    .command('status')
    .description('措施及其红黄绿灯，取自 Temporal 可见性存储（不逐项查询，规模再大也快）')
    .option('--plan <id>', '只看一个计划')
    .option('--unit <name>', '只看一个牵头单位')
    .option('--overdue', '只看逾期（红灯）')
    .option('--lookback <state>', `回头看状态：${MEASURE_LOOKBACK_STATES.join(' | ')}`)
    .option('--json', '输出 JSON（含剩余或逾期的工作日）')
    .option('--all', `全部列出（不加筛选且超过${SUMMARY_ABOVE}项时，默认按计划和牵头单位汇总）`)
    .addHelpText('after', '\n示例：\n  rectify status --overdue --unit 区发改委')
    .action(async (o: { plan?: string; unit?: string; overdue?: boolean; lookback?: string; json?: boolean; all?: boolean }) => {
      if (o.lookback && !MEASURE_LOOKBACK_STATES.includes(o.lookback)) {
        throw new UsageError(`--lookback 应为 ${MEASURE_LOOKBACK_STATES.join(' | ')}：${o.lookback}`);
      }
      const rows = await withClient(async (client) => {
        const found = await listMeasures(client, { planId: o.plan, unit: o.unit, overdue: o.overdue, lookback: o.lookback });
        // Nothing found for a name nobody runs: say which names there are, not "0 项".
        if (!found.length && o.plan && !(await runningValues(client, SA.PlanId)).includes(o.plan)) throw await unknownPlan(client, o.plan);
        if (!found.length && o.unit) {
          const units = await runningValues(client, SA.LeadUnit, o.plan);
          if (!units.includes(o.unit)) {
            const hint = nearest(o.unit, units);
            throw new InputError(
              `没有牵头单位“${o.unit}”的运行中措施${hint ? `（是不是“${hint}”？）` : `（牵头单位：${units.join('、')}）`}`,
            );
          }
        }
        return found;
      });
      const calendar = chinaCalendar({ unpublishedYears: 'statutory' });
      const today = localDate(Date.now(), ZONE);
      if (o.json) {
        console.log(
          JSON.stringify(
            rows.map((r) => ({ ...r, workdaysLeft: rowWorkdays(r, calendar, today) })),
            null,
            2,
          ),
        );
        return;
      }
      // Province scale: tens of thousands of lines help nobody; the counts by plan and unit do.
      const filtered = o.plan || o.unit || o.overdue || o.lookback;
      if (!filtered && !o.all && rows.length > SUMMARY_ABOVE) {
        for (const line of statusSummary(rows)) console.log(line);
        console.log(`共${rows.length}项措施；按计划、牵头单位或灯色筛选可列出措施（--plan、--unit、--overdue），或加 --all 全部列出`);
        return;
      }
      // 整改时限 as written, with the day it falls due by the one rule where that differs (deadlineWords).
      console.log(['措施', '灯', '状态', '整改时限', '剩余工作日', '牵头单位', '负责区领导', '回头看'].join('\t'));
      for (const r of rows) console.log(formatRow(r, rowWorkdays(r, calendar, today)));
      console.log(tallyWords(tally(rows.map((r) => ({ status: r.status, light: r.trafficLight })))));
    });

  program
    .command('show <measure>')
    .description('一项措施：状态、灯、时限和剩余工作日、阶段节点、回头看、延期、最近的操作、下一次提醒')
    .option('--plan <id>', '措施编号在多个计划中时指定计划')
    .option('--json', '输出 JSON')
    .option('--details', '与 --json 同用：工作流的全部状态（节假日年份、每个阶段的处理情况）')
    .option('--timeline', '全部经过：每次发出的通知（对象、时间、Message-ID）和每次操作，按时间顺序')
    .addHelpText('after', '\n示例：\n  rectify show 2.2\n  rectify show 2.2 --timeline')
    .action(async (measureId: string, o: { plan?: string; json?: boolean; details?: boolean; timeline?: boolean }) => {
      if (o.timeline) {
        const entries = await withClient(async (client) =>
          client.workflow.getHandle(await resolveMeasure(client, measureId, o.plan, { withdrawn: true })).query(msg.getTimelineQuery),
        );
        if (o.json) console.log(JSON.stringify(entries, null, 2));
        else for (const line of timelineLines(entries, ZONE)) console.log(line);
        return;
      }
      const [view, record] = await withClient(async (client) => {
        const handle = client.workflow.getHandle(await resolveMeasure(client, measureId, o.plan, { withdrawn: true }));
        return Promise.all([
          o.details ? handle.query(msg.getDetailsQuery) : handle.query(msg.getStateQuery),
          o.json ? undefined : handle.query(msg.getRecordQuery),
        ]);
      });
      if (o.json) {
        console.log(JSON.stringify(view, null, 2));
        return;
      }
      for (const line of showLines(view as MeasureView, record)) console.log(line);
    });

  requestCommand(
    program,
    'progress',
    '牵头单位报送进展；--milestone 完成分阶段措施的下一个阶段节点',
    'rectify progress 1.3 --as unit:区发改委 --note 一季度进展',
  )
    .option('--note <text>', '进展说明')
    .option('--milestone', '本次报送完成下一个阶段节点')
    .action((id: string, o: { as?: string; plan?: string; note?: string; milestone?: boolean }) =>
      act(
        id,
        o.plan,
        { actor: parseActor(o.as), note: need(o.note, 'note'), completesMilestone: o.milestone === true },
        msg.reportProgressUpdate,
        { action: 'progress' },
      ),
    );

  requestCommand(
    program,
    'complete',
    '牵头单位提交整改完成，附佐证材料（必填，可多项）',
    'rectify complete 1.1 --as unit:区发改委 --evidence 印发文件 --evidence 落实台账',
  )
    .option('--evidence <item>', '佐证材料（可重复）', (v: string, all: string[] = []) => [...all, v])
    .option('--note <text>', '说明')
    .action((id: string, o: { as?: string; plan?: string; evidence?: string[]; note?: string }) =>
      act(id, o.plan, { actor: parseActor(o.as), evidence: o.evidence ?? [], note: o.note }, msg.submitCompletionUpdate, {
        action: 'submit',
        notice: 'submitted',
      }),
    );

  requestCommand(
    program,
    'verify',
    '巡察办核验：--accept 销号，或 --reject --reason 退回',
    'rectify verify 1.1 --as office:督查科 --accept',
  )
    .option('--accept', '核验通过，销号')
    .option('--reject', '退回整改')
    .option('--reason <text>', '退回理由')
    .action((id: string, o: { as?: string; plan?: string; accept?: boolean; reject?: boolean; reason?: string }) =>
      act(id, o.plan, { actor: parseActor(o.as), accept: oneOf(o, 'accept', 'reject'), reason: o.reason }, msg.verifyCompletionUpdate),
    );

  requestCommand(
    program,
    'extend',
    '牵头单位申请延期：新时限须晚于当前时限，且是工作日',
    'rectify extend 1.1 --as unit:区发改委 --to 2024-12-31 --reason 需协调省级部门',
  )
    .option('--to <date>', '新时限 YYYY-MM-DD')
    .option('--reason <text>', '延期理由')
    .action((id: string, o: { as?: string; plan?: string; to?: string; reason?: string }) =>
      act(
        id,
        o.plan,
        { actor: parseActor(o.as), newDeadline: need(o.to, 'to'), reason: need(o.reason, 'reason') },
        msg.requestExtensionUpdate,
      ),
    );

  requestCommand(
    program,
    'decide-extension',
    '巡察办审批延期：--approve，或 --deny --reason',
    'rectify decide-extension 1.1 --as office:督查科 --approve',
  )
    .option('--approve', '批准')
    .option('--deny', '不批准')
    .option('--reason <text>', '理由')
    .action((id: string, o: { as?: string; plan?: string; approve?: boolean; deny?: boolean; reason?: string }) =>
      act(id, o.plan, { actor: parseActor(o.as), approve: oneOf(o, 'approve', 'deny'), reason: o.reason }, msg.decideExtensionUpdate),
    );

  requestCommand(
    program,
    'reassign',
    '巡察办调整牵头单位或负责区领导，新旧双方都会收到通知',
    'rectify reassign 1.2 --as office:督查科 --lead-unit 区发改委 --reason 职责调整',
  )
    .option('--lead-unit <unit>', '新的牵头单位')
    .option('--leader <role>', '新的负责区领导（职务）')
    .option('--reason <text>', '调整理由')
    .action((id: string, o: { as?: string; plan?: string; leadUnit?: string; leader?: string; reason?: string }) =>
      act(
        id,
        o.plan,
        { actor: parseActor(o.as), leadUnit: o.leadUnit, leader: o.leader, reason: need(o.reason, 'reason') },
        msg.reassignUpdate,
      ),
    );

  requestCommand(
    program,
    'remind',
    '巡察办催办：立即把措施当前阶段的提醒或督办发给该阶段的对象；每项措施每天一次（--force 再次催办）',
    'rectify remind 2.2 --as office:督查科 --note 请本周内报送整改材料',
  )
    .option('--note <text>', '催办说明（写入邮件）')
    .option('--force', '今天已催办过，仍要再次催办')
    .action((id: string, o: { as?: string; plan?: string; note?: string; force?: boolean }) =>
      act(id, o.plan, { actor: parseActor(o.as), note: o.note, force: o.force === true }, msg.remindUpdate, {
        action: 'remind',
        notice: 'urged',
      }),
    );

  program
    .command('policy')
    .description('提醒规则')
    .command('apply <plan>')
    .description('把计划文件中（修改后）的 policy 应用到运行中的措施；未变的措施不动')
    .option('--as <actor>', '操作人 office:<经办人>')
    .option('--reason <text>', '调整理由')
    .option('--measure <id>', '只调整一项措施')
    .addHelpText('after', '\n示例：\n  rectify policy apply config/plans/liangxi-2023.yaml --as office:督查科 --reason 按新的督办办法调整')
    .action(async (path: string, o: { as?: string; reason?: string; measure?: string }) => {
      const actor: Actor = parseActor(o.as);
      const reason = need(o.reason, 'reason');
      const { plan } = loadPlan(path);
      const measures = plan.measures.filter((m) => !o.measure || m.id === o.measure);
      if (!measures.length) throw new UsageError(`计划 ${plan.id} 中没有措施${o.measure}`);
      let changed = 0;
      let same = 0;
      const notRunning: string[] = [];
      await withClient(async (client) => {
        for (const m of measures) {
          const policy = effectivePolicy(plan.policy, m.kind, m.policy);
          const handle = client.workflow.getHandle(measureWorkflowId(plan.id, m.id));
          const spec = await handle
            .query(msg.getStateQuery)
            .then((v) => v.spec)
            .catch((e: Error) => {
              if (!(e instanceof WorkflowNotFoundError)) throw e;
              notRunning.push(m.id);
            });
          if (!spec) continue;
          if (JSON.stringify(spec.policy) === JSON.stringify(policy)) {
            same++;
            continue;
          }
          await sendRequest(client, handle.workflowId, msg.updatePolicyUpdate, { actor, policy, reason });
          changed++;
        }
      });
      const skipped = notRunning.length ? `；${notRunning.length}项未在运行，未调整：${notRunning.join('、')}` : '';
      console.log(`计划 ${plan.id}：已调整${changed}项措施的提醒规则，${same}项未变${skipped}`);
    });
}
