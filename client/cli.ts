#!/usr/bin/env node
/**
 * rectify: the office's command line. Every command checks its input first and changes
 * nothing when the input is bad: the error names the file, the line or row, and the field.
 */
import { Connection, Client } from '@temporalio/client';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSettings, type Settings } from '../config/settings';
import { calendarWatchWorkflowId, lookbackWorkflowId, parseMeasureWorkflowId, planOfCalendarWatch } from '../contracts/ids';
import { CalendarYearUnavailableError, type WorkCalendar } from '../domain/calendar';
import { calendarRefresh, chinaCalendar, lastPublishedYear, provisionalYearsBetween, publishedYears } from '../domain/calendar-data';
import { formatDateRanges, formatNoticeProblem, HolidayNoticeError, parseHolidayNotice } from '../domain/holiday-notice';
import { calendarDir, CalendarStoreError, installYear, loadInstalledCalendar, readInstalledYears } from '../config/calendar-store';
import { formatInstant, isIsoDate, localDate, localInstant, weekdayZh } from '../domain/dates';
import type { Actor } from '../domain/notice';
import type { UpdateDefinition } from '@temporalio/common';
import {
  getStateQuery,
  recordOutcomeUpdate,
  refreshCalendarUpdate,
  refreshCalendarWatchUpdate,
  reportProgressUpdate,
  submitCompletionUpdate,
  verifyCompletionUpdate,
  requestExtensionUpdate,
  decideExtensionUpdate,
  reassignUpdate,
} from '../contracts/messages';
import { summaryOf, type MeasureSummary } from '../contracts/measure';
import { parseActor, resolveMeasure, RequestRefused, sendRequest } from './actions';
import { planSchedule } from './schedule';
import { addresses, listOutbox, readMail } from './outbox';
import { campaignStatus, launchCampaign } from './lookback';
import { ledgerToPlan } from '../domain/ledger';
import { formatIssue, formatPath, PlanError, validatePlanData, type PlanIssue } from '../domain/plan/load';
import { planJsonSchema, type Plan } from '../domain/plan/schema';
import { rebasePlan } from '../domain/rebase';
import { parseReport, ReportParseError } from '../domain/report-parser';
import { calendarWatchOf, listCalendarWatches, listMeasures, startCalendarWatch, startPlan, type MeasureRow } from './measures';
import { InputError, loadPlan, readText, writePlanFile, planText } from '../config/plan-files';
import { readLedger } from './ledger-files';

/** The package root, from the sources (client/) or from the build (dist/client/). */
const ROOT = existsSync(resolve(__dirname, '../package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '../..');
export const SAMPLE_PLAN = resolve(ROOT, 'config/plans/liangxi-2023.yaml');

class UsageError extends Error {}

const USAGE = `用法: rectify <命令>

  plan check <plan>                          校验计划,一次列出全部错误
  plan from-report <report.txt> --out <plan> [--id ID] [--title T] [--feedback-date D] [--force]
  plan import-ledger <ledger.xlsx|csv> --out <plan> --id ID --feedback-date D
        --office-email E --leadership-email E [--title T] [--office-name N] [--leadership-name N]
        [--provisional]  (时限在未公布节假日安排的年份时,按法定节假日临时计算)
  plan schema [--out plan.schema.json]        输出计划文件的 JSON Schema
  start <plan> [--rebase <date>|today]        为每项措施启动工作流(可重复执行)
  status [--plan ID] [--unit U] [--overdue] [--lookback scheduled|in-review|sustained|relapsed] [--json]
  dev [--plan <plan>|--no-plan] [--rebase <date>|today]
                                             内嵌开发服务器 + worker + 示例计划
  worker                                     只运行 worker(连接 TEMPORAL_ADDRESS)
  show <措施> [--plan ID] [--json]             一项措施的状态
  progress <措施> --as unit:<牵头单位> --note <说明> [--milestone]
  complete <措施> --as unit:<牵头单位> --evidence <材料> [--evidence …] [--note <说明>]
  verify <措施> --as office:<经办> (--accept | --reject --reason <理由>)
  extend <措施> --as unit:<牵头单位> --to <新时限> --reason <理由>
  decide-extension <措施> --as office:<经办> (--approve | --deny --reason <理由>)
  reassign <措施> --as office:<经办> [--lead-unit <单位>] [--leader <职务>] --reason <理由>
        (以上命令可加 --plan ID;措施编号在多个计划中时必须加)
  simulate <plan> --days N [--from <date>|now] [--rebase <date>|today] [--json]
                                             不启动任何工作流,列出未来 N 天的全部通知
  lookback launch --name <名称> --due <时限> [--plan ID] [--problem N] [--unit U] [--kind K] [--leader L]
        [--closed-before D] [--ids 1.1,2.3]     对符合条件的已销号措施开展回头看专项(重复执行不重复启动)
  lookback status <名称> [--plan ID] [--json]  已完成、待完成、逾期、反弹回潮的数量
  lookback record <措施> --round N --as office:<经办> (--sustained | --relapsed --new-deadline <新时限>) --notes <核查说明>
                                             记录回头看结论;反弹回潮时措施重新整改
  outbox [list] | outbox show <序号|文件名>   内嵌默认(未设 SMTP_URL)时保存的邮件
  calendar workdays <from> <to> [--provisional]
                                             区间内的工作日,每行一个
  calendar add <date> <n> [--provisional]    n 个工作日之后(负数向前)的日期
        (--provisional: 未公布安排的年份按法定节假日临时计算)
  calendar import <notice.txt> [--out <file.json|yaml>] [--install [--partial]] [--force]
                                             读取国务院办公厅节假日安排通知(纯文本);--install 安装到本部署
  calendar years                             已公布和临时计算的年份
  calendar refresh [--plan ID] [--as office:<经办>]
                                             有新公布(或安装)的年份后,告知运行中的措施

连接: 未设置 TEMPORAL_ADDRESS 时连接本机内嵌服务器 127.0.0.1:7233;
      也支持 TEMPORAL_NAMESPACE、TEMPORAL_API_KEY、TEMPORAL_TLS_*、TEMPORAL_PROFILE。`;

type Options = NonNullable<ParseArgsConfig['options']>;
function args<O extends Options>(argv: string[], options: O = {} as O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true as const, strict: true as const });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function positional(list: string[], index: number, what: string): string {
  const value = list[index];
  if (value === undefined) throw new UsageError(`缺少参数: ${what}`);
  return value;
}

function printIssues(issues: PlanIssue[]): void {
  for (const issue of issues) console.error(formatIssue(issue));
}

function rebaseDate(value: string | undefined, settingsZone = 'Asia/Shanghai'): string | undefined {
  if (value === undefined) return undefined;
  const date = value === 'today' ? localDate(Date.now(), settingsZone) : value;
  if (!isIsoDate(date)) throw new UsageError(`--rebase 应为 YYYY-MM-DD 或 today: ${value}`);
  return date;
}

/** Loads, rebases if asked, and validates again (a rebase can move dates into unpublished years). */
function preparePlan(path: string, rebase?: string): Plan {
  const { plan, warnings } = loadPlan(path);
  if (!rebase) {
    printIssues(warnings);
    return plan;
  }
  const moved = rebasePlan(plan, rebase);
  const { plan: valid, issues } = validatePlanData(moved, path, (p) => ({ field: `${formatPath(p, moved)} (平移至 ${rebase})` }));
  printIssues(issues);
  if (!valid || issues.some((i) => i.severity === 'error')) throw new PlanError(issues);
  return valid;
}

async function connectClient(settings: Settings): Promise<Client> {
  const connection = await Connection.connect(settings.connectionOptions).catch((e: Error) => {
    const hint = settings.embedded ? '(先运行 npm start 或 rectify dev 启动内嵌服务器)' : '';
    throw new Error(`无法连接 Temporal ${settings.connectionOptions.address}${hint}: ${e.message}`);
  });
  return new Client({ connection, namespace: settings.namespace });
}

function refuseOverwrite(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force) throw new InputError(`${path} 已存在;确需覆盖请加 --force`);
}

async function planCommand(argv: string[]): Promise<number> {
  const sub = argv[0];
  const rest = argv.slice(1);
  if (sub === 'check') {
    const { positionals } = args(rest);
    const path = positional(positionals, 0, '<plan>');
    const { plan, warnings } = loadPlan(path);
    printIssues(warnings);
    console.log(`计划 ${plan.id} 校验通过: ${plan.problems.length} 个问题, ${plan.measures.length} 项整改措施`);
    return 0;
  }
  if (sub === 'from-report') {
    const { positionals, values } = args(rest, {
      out: { type: 'string' },
      id: { type: 'string' },
      title: { type: 'string' },
      'feedback-date': { type: 'string' },
      force: { type: 'boolean' },
    });
    const report = positional(positionals, 0, '<report.txt>');
    if (!values.out) throw new UsageError('缺少 --out <plan.yaml|plan.json>');
    refuseOverwrite(values.out, values.force);
    let parsed;
    try {
      parsed = parseReport(readText(report));
    } catch (e) {
      if (e instanceof ReportParseError) throw new InputError(`${report}: ${e.message}`);
      throw e;
    }
    const draft = {
      id: values.id ?? 'plan',
      title: values.title ?? '巡视整改方案',
      feedbackDate: values['feedback-date'] ?? parsed.feedbackDate ?? '',
      timeZone: 'Asia/Shanghai',
      directory: {
        units: [],
        leaders: [],
        office: { name: '巡察办', emails: [] },
        leadershipGroup: { name: '巡视整改工作领导小组', emails: [] },
      },
      problems: parsed.problems,
      measures: parsed.measures.map((m) => ({ ...m, kind: '', leader: '', leadUnit: '', participants: [], deadline: '' })),
    };
    writePlanFile(
      values.out,
      draft,
      `草稿: 由 rectify plan from-report 从 ${report} 生成。\n请补充 directory(单位、区领导、巡察办、领导小组的邮箱)和每项措施的 kind、leader、leadUnit、deadline,\n然后运行 rectify plan check 校验。`,
    );
    console.log(
      `${values.out}: ${parsed.problems.length} 个问题, ${parsed.measures.length} 项整改措施${parsed.feedbackDate ? `, 反馈日期 ${parsed.feedbackDate}` : ''}(草稿,需补充名录、类型和时限)`,
    );
    return 0;
  }
  if (sub === 'import-ledger') {
    const { positionals, values } = args(rest, {
      out: { type: 'string' },
      id: { type: 'string' },
      title: { type: 'string' },
      'feedback-date': { type: 'string' },
      'office-name': { type: 'string' },
      'office-email': { type: 'string' },
      'leadership-name': { type: 'string' },
      'leadership-email': { type: 'string' },
      provisional: { type: 'boolean' },
      force: { type: 'boolean' },
    });
    const file = positional(positionals, 0, '<ledger.xlsx|ledger.csv>');
    for (const flag of ['out', 'id', 'feedback-date', 'office-email', 'leadership-email'] as const) {
      if (!values[flag]) throw new UsageError(`缺少 --${flag}`);
    }
    planText(values.out!, {}); // checks the output extension before any work
    refuseOverwrite(values.out!, values.force);
    const { rows, headerRow } = await readLedger(file);
    const emails = (s: string) => s.split(/[,;\s]+/).filter(Boolean);
    const result = ledgerToPlan(
      rows,
      {
        file,
        id: values.id!,
        title: values.title ?? values.id!,
        feedbackDate: values['feedback-date']!,
        office: { name: values['office-name'] ?? '巡察办', emails: emails(values['office-email']!) },
        leadershipGroup: { name: values['leadership-name'] ?? '巡视整改工作领导小组', emails: emails(values['leadership-email']!) },
      },
      headerRow,
    );
    // Deadlines in a year whose arrangement is not published yet: counted on the statutory holidays, flagged.
    if (values.provisional && result.plan) result.plan.calendar = { unpublishedYears: 'statutory' };
    let issues = result.issues;
    if (!issues.length && result.plan) {
      issues = validatePlanData(result.plan, file, (path) => {
        if (path[0] === 'measures' && typeof path[1] === 'number') {
          const column = typeof path[2] === 'string' ? result.columnOf[path[2]] : undefined;
          return { row: result.rowOfMeasure[path[1]], field: column ?? formatPath(path.slice(2)) };
        }
        return { field: `${formatPath(path)}(命令行参数)` };
      }).issues;
    }
    printIssues(issues);
    if (issues.some((i) => i.severity === 'error')) {
      if (issues.some((i) => /年的节假日安排未收录/.test(i.message)))
        console.error('rectify: 时限在未公布节假日安排的年份时,可加 --provisional 按法定节假日临时计算');
      return 1;
    }
    writePlanFile(values.out!, result.plan, `由 rectify plan import-ledger 从 ${file} 导入`);
    console.log(`${values.out}: ${result.plan!.problems.length} 个问题, ${result.plan!.measures.length} 项整改措施`);
    return 0;
  }
  if (sub === 'schema') {
    const { values } = args(rest, { out: { type: 'string' } });
    const text = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
    if (values.out) require('node:fs').writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  }
  throw new UsageError(`未知的 plan 子命令: ${sub ?? '(无)'}`);
}

async function startCommand(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, { rebase: { type: 'string' } });
  const plan = preparePlan(positional(positionals, 0, '<plan>'), rebaseDate(values.rebase));
  const client = await connectClient(loadSettings());
  try {
    const result = await startPlan(client, plan);
    console.log(
      `计划 ${plan.id}: 新启动 ${result.started.length} 项, 已在运行 ${result.alreadyRunning.length} 项(共 ${plan.measures.length} 项)`,
    );
    return 0;
  } finally {
    await client.connection.close();
  }
}

const LIGHTS: Record<string, string> = { green: '绿', yellow: '黄', red: '红' };

function formatRow(r: MeasureRow): string {
  const deadline = r.deadline
    ? `${localDate(Date.parse(r.deadline), 'Asia/Shanghai')}(${weekdayZh(localDate(Date.parse(r.deadline), 'Asia/Shanghai'))})`
    : '长期';
  const lookback: Record<string, string> = { scheduled: '待回头看', 'in-review': '回头看中', sustained: '已巩固', relapsed: '反弹回潮' };
  return [
    r.measureId,
    LIGHTS[r.trafficLight ?? ''] ?? '-',
    r.status ?? '-',
    deadline,
    r.leadUnit,
    r.leader,
    lookback[r.lookbackStatus ?? ''] ?? '',
  ]
    .join('\t')
    .trimEnd();
}

async function statusCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    plan: { type: 'string' },
    unit: { type: 'string' },
    overdue: { type: 'boolean' },
    lookback: { type: 'string' },
    json: { type: 'boolean' },
  });
  const lookbackStates = ['scheduled', 'in-review', 'sustained', 'relapsed'];
  if (values.lookback && !lookbackStates.includes(values.lookback))
    throw new UsageError(`--lookback 应为 ${lookbackStates.join(' | ')}: ${values.lookback}`);
  const client = await connectClient(loadSettings());
  try {
    const rows = await listMeasures(client, { planId: values.plan, unit: values.unit, overdue: values.overdue, lookback: values.lookback });
    if (values.json) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    console.log(['措施', '灯', '状态', '整改时限', '牵头单位', '负责区领导'].join('\t'));
    for (const r of rows) console.log(formatRow(r));
    const count = (light: string) => rows.filter((r) => r.trafficLight === light).length;
    console.log(`共 ${rows.length} 项: 绿 ${count('green')}, 黄 ${count('yellow')}, 红 ${count('red')}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

const STATUS_ZH: Record<string, string> = { active: '整改中', submitted: '已提交待核验', closed: '已销号' };

function summary(v: MeasureSummary): string {
  const deadline = v.deadline ? `${v.deadline}(${weekdayZh(v.deadline)})` : '长期';
  const left =
    v.workdaysLeft === undefined ? '' : v.workdaysLeft >= 0 ? `, 剩 ${v.workdaysLeft} 个工作日` : `, 已逾期 ${-v.workdaysLeft} 个工作日`;
  const pending = v.pendingExtension ? `, 待审批延期至 ${v.pendingExtension.newDeadline}` : '';
  return `措施 ${v.measureId}「${v.title}」: ${STATUS_ZH[v.status]}, ${LIGHTS[v.trafficLight]}灯, 时限 ${deadline}${left}, 牵头单位 ${v.leadUnit}, 负责区领导 ${v.leader}${pending}`;
}

const ACTION_OPTIONS = { plan: { type: 'string' }, as: { type: 'string' } } as const;

/** Runs one request against one measure and prints the measure as it now stands. */
async function act<R>(
  argv: string[],
  extra: Options,
  build: (values: Record<string, unknown>, actor: Actor) => R,
  update: UpdateDefinition<MeasureSummary, [R]>,
): Promise<number> {
  const { positionals, values } = args(argv, { ...ACTION_OPTIONS, ...extra });
  const measureId = positional(positionals, 0, '<措施编号>');
  const request = build(values, parseActor(values.as as string | undefined)); // bad input fails before connecting
  const client = await connectClient(loadSettings());
  try {
    const workflowId = await resolveMeasure(client, measureId, values.plan as string | undefined);
    console.log(summary(await sendRequest(client, workflowId, update, request)));
    return 0;
  } finally {
    await client.connection.close();
  }
}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`缺少 --${name}`);
  return v;
}

function oneOf(values: Record<string, unknown>, yes: string, no: string): boolean {
  if (values[yes] === values[no]) throw new UsageError(`请在 --${yes} 和 --${no} 中选一个`);
  return values[yes] === true;
}

const ACTIONS: Record<string, (argv: string[]) => Promise<number>> = {
  progress: (argv) =>
    act(
      argv,
      { note: { type: 'string' }, milestone: { type: 'boolean' } },
      (v, actor) => ({ actor, note: need(v, 'note'), completesMilestone: v.milestone === true }),
      reportProgressUpdate,
    ),
  complete: (argv) =>
    act(
      argv,
      { evidence: { type: 'string', multiple: true }, note: { type: 'string' } },
      (v, actor) => ({ actor, evidence: (v.evidence as string[] | undefined) ?? [], note: v.note as string | undefined }),
      submitCompletionUpdate,
    ),
  verify: (argv) =>
    act(
      argv,
      { accept: { type: 'boolean' }, reject: { type: 'boolean' }, reason: { type: 'string' } },
      (v, actor) => ({ actor, accept: oneOf(v, 'accept', 'reject'), reason: v.reason as string | undefined }),
      verifyCompletionUpdate,
    ),
  extend: (argv) =>
    act(
      argv,
      { to: { type: 'string' }, reason: { type: 'string' } },
      (v, actor) => ({ actor, newDeadline: need(v, 'to'), reason: need(v, 'reason') }),
      requestExtensionUpdate,
    ),
  'decide-extension': (argv) =>
    act(
      argv,
      { approve: { type: 'boolean' }, deny: { type: 'boolean' }, reason: { type: 'string' } },
      (v, actor) => ({ actor, approve: oneOf(v, 'approve', 'deny'), reason: v.reason as string | undefined }),
      decideExtensionUpdate,
    ),
  reassign: (argv) =>
    act(
      argv,
      { 'lead-unit': { type: 'string' }, leader: { type: 'string' }, reason: { type: 'string' } },
      (v, actor) => ({
        actor,
        leadUnit: v['lead-unit'] as string | undefined,
        leader: v.leader as string | undefined,
        reason: need(v, 'reason'),
      }),
      reassignUpdate,
    ),
};

async function showCommand(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, { plan: { type: 'string' }, json: { type: 'boolean' } });
  const measureId = positional(positionals, 0, '<措施编号>');
  const client = await connectClient(loadSettings());
  try {
    const workflowId = await resolveMeasure(client, measureId, values.plan);
    const view = await client.workflow.getHandle(workflowId).query(getStateQuery);
    if (values.json) {
      console.log(JSON.stringify(view, null, 2));
      return 0;
    }
    console.log(summary(summaryOf(view)));
    if (view.pendingExtension) console.log(`待审批延期: 至 ${view.pendingExtension.newDeadline}(${view.pendingExtension.reason})`);
    for (const d of view.deadlines.slice(1)) console.log(`时限调整: 第${d.version}版 ${d.deadline}(${d.reason ?? ''})`);
    for (const a of view.audit.slice(-5))
      console.log(`${formatInstant(Date.parse(a.at), view.spec.timeZone)} ${a.actor.who} ${a.action} ${JSON.stringify(a.detail)}`);
    if (view.nextWakeAt) console.log(`下一次: ${formatInstant(Date.parse(view.nextWakeAt), view.spec.timeZone)}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

const KIND_ZH: Record<string, string> = {
  reminder: '到期提醒',
  'final-reminder': '最后提醒',
  overdue: '逾期督办',
  'milestone-reminder': '阶段节点提醒',
  'milestone-overdue': '阶段节点逾期',
  'report-reminder': '进展报送提醒',
  'report-overdue': '进展报送逾期',
};
const AUDIENCE_ZH: Record<string, string> = { leadUnit: '牵头单位', leader: '负责区领导', office: '巡察办', leadershipGroup: '领导小组' };

async function simulateCommand(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, {
    days: { type: 'string' },
    from: { type: 'string' },
    rebase: { type: 'string' },
    json: { type: 'boolean' },
  });
  const plan = preparePlan(positional(positionals, 0, '<plan>'), rebaseDate(values.rebase));
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days 应为正整数: ${values.days ?? '(无)'}`);
  let from = Date.now();
  if (values.from && values.from !== 'now') {
    if (!isIsoDate(values.from)) throw new UsageError(`--from 应为 YYYY-MM-DD 或 now: ${values.from}`);
    from = localInstant(values.from, '00:00', plan.timeZone);
  }
  const schedule = planSchedule(plan, from, from + days * 86_400_000);
  if (values.json) {
    console.log(JSON.stringify(schedule, null, 2));
    return 0;
  }
  for (const n of schedule) {
    const level =
      n.level !== undefined
        ? `第${n.level + 1}级${n.repeat ? `·第${n.repeat}次重复` : ''}`
        : n.workdaysBefore
          ? `前${n.workdaysBefore}个工作日`
          : n.workdaysBefore === 0
            ? '当日'
            : '';
    console.log(
      [
        formatInstant(Date.parse(n.at), plan.timeZone),
        n.measureId,
        `${KIND_ZH[n.kind]}${level ? `(${level})` : ''}`,
        n.leadUnit,
        n.audiences.map((a) => AUDIENCE_ZH[a]).join('、'),
        [n.catchUp ? '补发' : '', n.provisionalCalendar ? '临时日历' : ''].filter(Boolean).join(' '),
      ]
        .join('\t')
        .trimEnd(),
    );
  }
  console.log(`共 ${schedule.length} 条通知(${plan.measures.length} 项措施, ${days} 天)`);
  return 0;
}

async function lookbackCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'launch') return lookbackLaunch(argv.slice(1));
  if (argv[0] === 'status') return lookbackStatus(argv.slice(1));
  if (argv[0] !== 'record') throw new UsageError(`未知的 lookback 子命令: ${argv[0] ?? '(无)'}`);
  const { positionals, values } = args(argv.slice(1), {
    ...ACTION_OPTIONS,
    round: { type: 'string' },
    sustained: { type: 'boolean' },
    relapsed: { type: 'boolean' },
    'new-deadline': { type: 'string' },
    notes: { type: 'string' },
    evidence: { type: 'string', multiple: true },
  });
  const measureId = positional(positionals, 0, '<措施编号>');
  const round = Number(values.round);
  if (!Number.isInteger(round) || round < 1) throw new UsageError(`--round 应为正整数: ${values.round ?? '(无)'}`);
  const request = {
    actor: parseActor(values.as),
    outcome: oneOf(values, 'relapsed', 'sustained') ? ('relapsed' as const) : ('sustained' as const),
    notes: need(values, 'notes'),
    evidence: values.evidence,
    newDeadline: values['new-deadline'],
  };
  const client = await connectClient(loadSettings());
  try {
    const measure = await resolveMeasure(client, measureId, values.plan);
    const { planId } = parseMeasureWorkflowId(measure)!;
    const review = await sendRequest(client, lookbackWorkflowId(planId, measureId, round), recordOutcomeUpdate, request);
    console.log(
      `措施 ${review.measureId} 第 ${review.round} 次回头看: ${review.outcome === 'relapsed' ? '反弹回潮,已重新列入整改' : '巩固'}(${review.recordedBy})`,
    );
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function lookbackLaunch(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    plan: { type: 'string' },
    name: { type: 'string' },
    due: { type: 'string' },
    problem: { type: 'string' },
    unit: { type: 'string' },
    kind: { type: 'string' },
    leader: { type: 'string' },
    'closed-before': { type: 'string' },
    ids: { type: 'string' },
  });
  const problem = values.problem === undefined ? undefined : Number(values.problem);
  if (problem !== undefined && (!Number.isInteger(problem) || problem < 1))
    throw new UsageError(`--problem 应为问题序号: ${values.problem}`);
  if (values['closed-before'] && !isIsoDate(values['closed-before']))
    throw new UsageError(`--closed-before 应为 YYYY-MM-DD: ${values['closed-before']}`);
  const filter = {
    planId: values.plan,
    problem,
    unit: values.unit,
    kind: values.kind,
    leader: values.leader,
    closedBefore: values['closed-before'],
    ids: values.ids
      ?.split(',')
      .map((i) => i.trim())
      .filter(Boolean),
  };
  const name = need(values, 'name');
  const due = need(values, 'due');
  const client = await connectClient(loadSettings());
  try {
    const results = await launchCampaign(client, name, due, filter, localDate(Date.now(), 'Asia/Shanghai'));
    if (!results.length) console.log('没有符合条件的已销号措施,未启动回头看');
    for (const r of results)
      console.log(`计划 ${r.planId}「${name}」: ${r.launched ? `已启动,覆盖 ${r.measures} 项已销号措施` : '此前已启动,未重复启动'}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function lookbackStatus(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, { plan: { type: 'string' }, json: { type: 'boolean' } });
  const name = positional(positionals, 0, '<回头看名称>');
  const client = await connectClient(loadSettings());
  try {
    const s = await campaignStatus(client, name, values.plan, Date.now());
    if (values.json) console.log(JSON.stringify(s));
    else
      console.log(
        `回头看「${name}」: 共 ${s.reviews} 项, 已完成 ${s.done}(巩固 ${s.sustained}, 反弹回潮 ${s.relapsed}), 待完成 ${s.pending}(其中逾期 ${s.overdue})`,
      );
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function outboxCommand(argv: string[]): Promise<number> {
  const sub = argv[0] ?? 'list';
  const dir = loadSettings().mail.outboxDir;
  const mails = await listOutbox(dir);
  if (sub === 'list') {
    mails.forEach((m, i) =>
      console.log([String(i + 1).padStart(4), m.date ? formatInstant(m.date.getTime(), 'Asia/Shanghai') : '', m.to, m.subject].join('\t')),
    );
    console.log(`发件箱 ${dir}: ${mails.length} 封邮件`);
    return 0;
  }
  if (sub === 'show') {
    const which = positional(argv, 1, '<序号|文件名>');
    const found = /^\d+$/.test(which) ? mails[Number(which) - 1] : mails.find((m) => m.file === which);
    if (!found) throw new InputError(`发件箱中没有 ${which}(共 ${mails.length} 封,用 rectify outbox 列出)`);
    const mail = await readMail(join(dir, found.file));
    console.log(
      `文件: ${join(dir, found.file)}\n收件人: ${addresses(mail)}\n主题: ${mail.subject ?? ''}\nMessage-ID: ${mail.messageId ?? ''}\n附件: ${mail.attachments.map((a) => a.filename).join(', ') || '无'}\n\n${mail.text ?? ''}`,
    );
    return 0;
  }
  throw new UsageError(`未知的 outbox 子命令: ${sub}`);
}

async function calendarCommand(argv: string[]): Promise<number> {
  const sub = argv[0];
  if (sub === 'refresh') return calendarRefreshCommand(argv.slice(1));
  if (sub === 'import') return calendarImport(argv.slice(1));
  if (sub === 'years') return calendarYearsCommand();
  // Plain positionals: a negative count (-2) is an argument here, not an option.
  const rest = argv.slice(1);
  const provisional = rest.includes('--provisional');
  const positionals = rest.filter((a) => a !== '--provisional');
  const option = positionals.find((a) => a.startsWith('--'));
  if (option) throw new UsageError(`未知选项: ${option}`);
  const calendar = chinaCalendar(provisional ? { unpublishedYears: 'statutory' } : {});
  const date = (i: number, what: string) => {
    const d = positional(positionals, i, what);
    if (!isIsoDate(d)) throw new UsageError(`${what} 应为 YYYY-MM-DD: ${d}`);
    return d;
  };
  /** Said on stderr when an answer rests on the provisional calendar, so that scripts still read plain dates. */
  const flag = (from: string, to: string) => {
    if (calendar.isProvisionalBetween(from, to))
      console.error(`(按临时日历计算: ${provisionalYearsIn(calendar, from, to)}年节假日安排尚未公布,按法定节假日计算,无调休上班日)`);
  };
  if (sub === 'workdays') {
    const from = date(0, '<from>');
    const to = date(1, '<to>');
    if (to < from) throw new UsageError(`<to> ${to} 早于 <from> ${from}`);
    console.log(withProvisionalHint(() => calendar.workdaysInRange(from, to)).join('\n'));
    flag(from, to);
    return 0;
  }
  if (sub === 'add') {
    const from = date(0, '<date>');
    const n = Number(positional(positionals, 1, '<n>'));
    if (!Number.isInteger(n)) throw new UsageError(`<n> 应为整数: ${positionals[1]}`);
    const result = withProvisionalHint(() => calendar.addWorkdays(from, n));
    console.log(result);
    flag(from, result);
    return 0;
  }
  throw new UsageError(`未知的 calendar 子命令: ${sub ?? '(无)'}`);
}

/** A year nobody has published: the command line can count it provisionally. */
function withProvisionalHint<T>(count: () => T): T {
  try {
    return count();
  } catch (e) {
    if (e instanceof CalendarYearUnavailableError)
      throw new InputError(`${e.year}年的节假日安排未收录;可加 --provisional 按法定节假日临时计算`);
    throw e;
  }
}

function provisionalYearsIn(calendar: WorkCalendar, from: string, to: string): string {
  const years: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!calendar.isPublished(`${y}-01-01`)) years.push(y);
  return years.join('、');
}

/** The State Council's notice, pasted as text, into a year's arrangement: printed, written, or installed. */
async function calendarImport(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, {
    out: { type: 'string' },
    install: { type: 'boolean' },
    partial: { type: 'boolean' },
    force: { type: 'boolean' },
  });
  const file = positional(positionals, 0, '<notice.txt>');
  if (values.out) {
    planText(values.out, {}); // .json, .yaml or .yml, checked before any work
    refuseOverwrite(values.out, values.force);
  }
  let notice;
  try {
    notice = parseHolidayNotice(readText(file));
  } catch (e) {
    if (!(e instanceof HolidayNoticeError)) throw e;
    for (const p of e.problems) console.error(`${file} ${formatNoticeProblem(p)}`);
    console.error(`rectify: 通知有 ${e.problems.length} 处无法识别,未做任何改动`);
    return 1;
  }
  // An installed year replaces the whole year: a notice that arranges only some festivals (an amendment) must say so.
  if (values.install && notice.missing.length && !values.partial) {
    throw new InputError(
      `通知没有 ${notice.missing.join('、')} 的安排,不像全年的安排;安装会以它替换 ${notice.year} 年的全部安排。` +
        `调整通知请与原通知合并后再导入;确要只按这些条目安装请加 --partial`,
    );
  }
  const summary = [
    `${notice.year}年节假日安排: 放假 ${notice.arrangement[notice.year].holidays.length} 天,调休上班 ${notice.arrangement[notice.year].workdays.length} 天`,
    ...notice.items.map(
      (i) =>
        `  ${i.name}: 放假 ${new Set(i.holidays).size} 天,${formatDateRanges(i.holidays)}${i.workdays.length ? `;上班 ${formatDateRanges(i.workdays)}` : ''}`,
    ),
    ...notice.warnings.map((w) => `  请核对: ${w}`),
  ].join('\n');
  const say = values.out || values.install ? console.log : console.error;
  say(summary);
  if (values.out) {
    writePlanFile(
      values.out,
      notice.arrangement,
      `${notice.year}年节假日安排,由 rectify calendar import 从 ${file} 导入;可放入计划的 calendar.years`,
    );
    console.log(`已写入 ${values.out}`);
  }
  if (values.install) {
    const { path, outcome } = installYear(calendarDir(), notice.year, notice.arrangement[notice.year], values.force);
    const what = { installed: '已安装', replaced: '已替换', unchanged: '已安装(内容相同,未改动)' }[outcome];
    console.log(`${what} ${notice.year} 年节假日安排: ${path}`);
    if (outcome !== 'unchanged') console.log('运行 rectify calendar refresh,把新安排告知运行中的措施。');
  }
  if (!values.out && !values.install) process.stdout.write(`${JSON.stringify(notice.arrangement, null, 2)}\n`);
  return 0;
}

/** Which years are published (the data package, installed) and which are counted provisionally. */
function calendarYearsCommand(): number {
  const installed = new Set(Object.keys(readInstalledYears(calendarDir())));
  const published = Object.keys(publishedYears())
    .map(Number)
    .sort((a, b) => a - b);
  const thisYear = Number(localDate(Date.now(), 'Asia/Shanghai').slice(0, 4));
  console.log(
    `已公布: ${published[0]}–${lastPublishedYear()} 年${installed.size ? `(其中 ${[...installed].join('、')} 年由本机安装,目录 ${calendarDir()})` : ''}`,
  );
  const provisional = provisionalYearsBetween(thisYear, thisYear + 2);
  for (const [year, data] of Object.entries(provisional)) {
    console.log(`${year} 年未公布: 临时按法定节假日计算,工作日放假 ${formatDateRanges(data.holidays)}`);
  }
  return 0;
}

/**
 * After a year is published (the data package upgraded, or a notice installed), running measures
 * and the plans' calendar watches learn the new years through an Update, recorded in their
 * history, so that replay stays deterministic. Still unpublished years go along as their statutory
 * arrangement, so that measures started before those years were carried stop counting Mon–Fri there.
 */
async function calendarRefreshCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { plan: { type: 'string' }, as: { type: 'string' } });
  const actor = parseActor(values.as ?? 'office:rectify');
  const client = await connectClient(loadSettings());
  try {
    const rows = await listMeasures(client, { planId: values.plan });
    // Plans started before calendar watches existed get theirs now, knowing today's published years.
    const watches = await listCalendarWatches(client, values.plan);
    const watched = new Set(watches.map(planOfCalendarWatch));
    for (const row of rows) {
      if (!row.planId || watched.has(row.planId)) continue;
      watched.add(row.planId);
      const { spec } = await client.workflow.getHandle(row.workflowId).query(getStateQuery);
      const watch = { ...calendarWatchOf(spec), published: Object.keys(publishedYears()).map(Number) };
      if (await startCalendarWatch(client, watch))
        console.log(`计划 ${row.planId}: 已启动节假日安排提醒(${calendarWatchWorkflowId(row.planId)})`);
    }
    // Years already given stay; from last year on is enough for what lies ahead.
    const { years, provisionalYears } = calendarRefresh(Number(localDate(Date.now(), 'Asia/Shanghai').slice(0, 4)));
    let refreshed = 0;
    for (const row of rows) {
      await sendRequest(client, row.workflowId, refreshCalendarUpdate, { actor, years, provisionalYears });
      refreshed++;
    }
    for (const id of watches) {
      // A watch listed but ended meanwhile has nothing to learn.
      await client.workflow
        .getHandle(id)
        .executeUpdate(refreshCalendarWatchUpdate, { args: [{ actor, years }] })
        .catch((e: Error) => console.error(`rectify: ${id} 未更新: ${e.message}`));
    }
    const pending = Object.keys(provisionalYears);
    console.log(
      `已向 ${refreshed} 项运行中的措施更新节假日安排(已公布至 ${lastPublishedYear()} 年${pending.length ? `;${pending.join('、')} 年暂按法定节假日计算` : ''})`,
    );
    return 0;
  } finally {
    await client.connection.close();
  }
}

async function devCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { plan: { type: 'string' }, 'no-plan': { type: 'boolean' }, rebase: { type: 'string' } });
  const planPath = values['no-plan'] ? undefined : (values.plan ?? SAMPLE_PLAN);
  // Check the plan before anything starts: a bad plan starts nothing.
  const plan = planPath ? preparePlan(planPath, rebaseDate(values.rebase)) : undefined;
  const { runDevStack } = await import('./dev');
  return runDevStack(loadSettings(), plan, planPath);
}

async function workerCommand(): Promise<number> {
  await import('../worker/main');
  return new Promise(() => undefined); // worker/main runs until a signal
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // Years installed for the deployment count as published for every command (and the worker).
    loadInstalledCalendar();
    switch (command) {
      case 'plan':
        return await planCommand(rest);
      case 'start':
        return await startCommand(rest);
      case 'status':
        return await statusCommand(rest);
      case 'calendar':
        return await calendarCommand(rest);
      case 'show':
        return await showCommand(rest);
      case 'outbox':
        return await outboxCommand(rest);
      case 'lookback':
        return await lookbackCommand(rest);
      case 'simulate':
        return await simulateCommand(rest);
      case 'progress':
      case 'complete':
      case 'verify':
      case 'extend':
      case 'decide-extension':
      case 'reassign':
        return await ACTIONS[command](rest);
      case 'dev':
        return await devCommand(rest);
      case 'worker':
        return await workerCommand();
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`未知命令: ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`rectify: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof PlanError) {
      printIssues(e.issues);
      console.error(`rectify: 计划有 ${e.issues.filter((i) => i.severity === 'error').length} 处错误,未做任何改动`);
      return 1;
    }
    if (
      e instanceof InputError ||
      e instanceof CalendarYearUnavailableError ||
      e instanceof RequestRefused ||
      e instanceof CalendarStoreError
    ) {
      console.error(`rectify: ${e.message}`);
      return 1;
    }
    console.error(`rectify: ${(e as Error).message ?? e}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
