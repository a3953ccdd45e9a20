/** Measures on the command line: status, show, and the requests people make of a measure. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Command } from 'commander';
import { loadPlan } from '../../config/plan-files';
import { measureWorkflowId } from '../../contracts/ids';
import type { MeasureSummary, MeasureView } from '../../contracts/measure';
import * as msg from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import { chinaCalendar } from '../../domain/calendar-data';
import { localDate } from '../../domain/dates';
import { tally, tallyWords } from '../../domain/tally';
import type { Actor } from '../../domain/notice';
import { effectivePolicy } from '../../domain/policy';
import { MEASURE_LOOKBACK_STATES } from '../../domain/vocabulary';
import { nearest, parseActor, resolveMeasure, runningValues, sendRequest, unknownPlan } from '../actions';
import { listMeasures } from '../measures';
import { listEveryMeasure } from '../rollup';
import { reportAction, type Reported } from './acted';
import { InputError, need, oneOf, UsageError, withClient, ZONE } from './common';
import { formatRow, rowWorkdays, showLines, statusSummary, SUMMARY_ABOVE, summaryLine, timelineLines } from './measure-lines';

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
      const filtered = o.plan || o.unit || o.overdue || o.lookback;
      const rows = await withClient(async (client) => {
        // Unfiltered: plan by plan in parallel, not one listing of everything (province scale).
        const found = filtered
          ? await listMeasures(client, { planId: o.plan, unit: o.unit, overdue: o.overdue, lookback: o.lookback })
          : await listEveryMeasure(client);
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
    .option('--timeline', '全部经过：每次发出的通知（对象、渠道、时间、Message-ID）和每次操作，按时间顺序')
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
