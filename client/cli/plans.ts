/** Plans on the command line: check, draft from a report, import a ledger, the schema; start; simulate. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { planText, readText, writePlanFile, loadPlan } from '../../config/plan-files';
import { formatInstant, isIsoDate, localInstant, plainDateZh } from '../../domain/dates';
import { ledgerNames } from '../../domain/ledger/columns';
import { directoryTemplate } from '../../domain/ledger/directory-template';
import { DEFAULT_IMMEDIATE_WORKDAYS, ledgerToPlan } from '../../domain/ledger/to-plan';
import { chinaCalendar } from '../../domain/calendar-data';
import type { Directory } from '../../domain/plan/schema';
import { formatPath, parseDirectoryText, validatePlanData } from '../../domain/plan/load';
import { planJsonSchema } from '../../domain/plan/schema';
import { parseReport, ReportParseError } from '../../domain/report-parser';
import { AUDIENCE_LABELS, channelWords, NOTICE_KINDS } from '../../domain/vocabulary';
import { readLedger } from '../ledger-files';
import { describeDigest, describeStarted, describeStored, startPlan } from '../measures';
import { applyPlan, diffPlan } from '../plan-apply';
import { parseActor } from '../actions';
import { describeDiff } from '../../domain/plan/apply';
import { planSchedule } from '../schedule';
import {
  InputError,
  positiveInt,
  preparePlan,
  progressReporter,
  requireReachable,
  printIssues,
  rebaseDate,
  refuseOverwrite,
  Reported,
  UsageError,
  withClient,
} from './common';

// Commas and semicolons, also full-width ones as typed on Chinese keyboards.
const emails = (s: string) => s.split(/[,;\s\uFF0C\uFF1B\u3001]+/).filter(Boolean);

export function registerPlanCommands(program: Command): void {
  const plan = program.command('plan').description('计划文件：校验、从进展报告起草、导入台账、JSON Schema');

  plan
    .command('check <plan>')
    .description('校验计划，一次列出全部错误（文件、行号、字段）；有错误时退出码为1')
    .addHelpText('after', '\n示例：\n  rectify plan check config/plans/liangxi-2023.yaml')
    .action((path: string) => {
      const { plan: checked, warnings } = loadPlan(path);
      printIssues(warnings);
      console.log(`计划 ${checked.id} 校验通过：${checked.problems.length}个问题，${checked.measures.length}项整改措施`);
    });

  plan
    .command('from-report <report>')
    .description('从公开的整改进展报告（纯文本）起草计划：问题与措施原文，其余待补充')
    .requiredOption('--out <plan>', '写出的计划文件（.yaml 或 .json）')
    .option('--id <id>', '计划编号', 'plan')
    .option('--title <title>', '计划标题', '巡视整改方案')
    .option('--feedback-date <date>', '巡视反馈日期（默认取报告中的）')
    .option('--force', '覆盖已有文件')
    .addHelpText('after', '\n示例：\n  rectify plan from-report 整改进展情况.txt --out draft.yaml --id liangxi-2023')
    .action((report: string, o: { out: string; id: string; title: string; feedbackDate?: string; force?: boolean }) => {
      planText(o.out, {}); // the extension, before any work
      refuseOverwrite(o.out, o.force);
      let parsed;
      try {
        parsed = parseReport(readText(report));
      } catch (e) {
        if (e instanceof ReportParseError) throw new InputError(`${report}: ${e.message}`);
        throw e;
      }
      const draft = {
        id: o.id,
        title: o.title,
        feedbackDate: o.feedbackDate ?? parsed.feedbackDate ?? '',
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
        o.out,
        draft,
        [
          `草稿：由 rectify plan from-report 从${report}生成。`,
          '请补充 directory（单位、区领导、巡察办、领导小组的邮箱）和每项措施的 kind、leader、leadUnit、deadline,',
          '然后运行 rectify plan check 校验。',
        ].join('\n'),
      );
      const feedback = parsed.feedbackDate ? `，反馈日期：${plainDateZh(parsed.feedbackDate)}` : '';
      console.log(
        `${o.out}：${parsed.problems.length}个问题，${parsed.measures.length}项整改措施${feedback}（草稿，需补充名录、类型和时限）`,
      );
    });

  plan
    .command('import-ledger <ledger>')
    .description('导入台账（.xlsx 或 .csv，每行一项措施，中文表头顺序不限）；有错误时指出行和列，不写任何文件')
    .option('--out <plan>', '写出的计划文件（.yaml 或 .json）')
    .option('--id <id>', '计划编号（小写字母、数字、连字符）')
    .option('--feedback-date <date>', '巡视反馈日期 YYYY-MM-DD（“12月底前”等不带年份的时限、立行立改的时限从这天算起）')
    .option('--directory <file>', '名录文件（YAML 或 JSON:单位、区领导、巡察办、领导小组及其邮箱）；有它时不需要邮箱列和下面两项')
    .option('--directory-template <file>', '按台账列出全部单位和区领导，写出待填写邮箱的名录文件（只写这个文件）')
    .option('--office-email <emails>', '没有名录文件时：巡察办邮箱（多个用逗号分隔）')
    .option('--leadership-email <emails>', '没有名录文件时：领导小组邮箱')
    .option('--title <title>', '计划标题（默认为编号）')
    .option('--office-name <name>', '没有名录文件时：巡察办名称', '巡察办')
    .option('--leadership-name <name>', '没有名录文件时：领导小组名称', '巡视整改工作领导小组')
    .option('--immediate-days <n>', `立行立改且没有写日期的，时限为反馈日期后第几个工作日（默认${DEFAULT_IMMEDIATE_WORKDAYS}）`)
    .option('--provisional', '时限在未公布节假日安排的年份时，按法定节假日临时计算')
    .option('--force', '覆盖已有文件')
    .addHelpText(
      'after',
      '\n示例：\n  rectify plan import-ledger 台账.xlsx --directory-template 名录.yaml        # 先列出单位和区领导，填写邮箱\n' +
        '  rectify plan import-ledger 台账.xlsx --directory 名录.yaml --out plan.yaml --id liangxi-2023 --feedback-date 2023-10-14',
    )
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      if (o.directoryTemplate) {
        const out = o.directoryTemplate as string;
        planText(out, {});
        refuseOverwrite(out, o.force as boolean | undefined);
        const { rows, headerRow } = await readLedger(file);
        const names = ledgerNames(rows, file, headerRow);
        printIssues(names.issues);
        if (names.issues.some((i) => i.severity === 'error')) throw new Reported('台账有错误');
        writeFileSync(out, directoryTemplate(names, out));
        console.log(`${out}：${names.units.length}个单位，${names.leaders.length}位区领导；请填写邮箱后用“--directory ${out}”导入`);
        return;
      }
      for (const [flag, value] of [
        ['--out', o.out],
        ['--id', o.id],
        ['--feedback-date', o.feedbackDate],
      ] as const)
        if (!value) throw new UsageError(`缺少${flag}（或用 --directory-template 先生成名录）`);
      if (!isIsoDate(o.feedbackDate as string)) throw new InputError(`--feedback-date 应为 YYYY-MM-DD: ${String(o.feedbackDate)}`);
      const out = o.out as string;
      planText(out, {});
      refuseOverwrite(out, o.force as boolean | undefined);
      let directory: Directory | undefined;
      if (o.directory) {
        const parsed = parseDirectoryText(readText(o.directory as string), o.directory as string);
        printIssues(parsed.issues);
        if (!parsed.directory) throw new Reported('名录文件有错误');
        directory = parsed.directory;
      } else if (!o.officeEmail || !o.leadershipEmail) {
        throw new UsageError('没有名录文件时需要 --office-email 和 --leadership-email（或用 --directory 指定名录文件）');
      }
      const { rows, headerRow } = await readLedger(file);
      const id = o.id as string;
      const immediateWorkdays = o.immediateDays === undefined ? undefined : positiveInt(o.immediateDays as string, 'immediate-days');
      const result = ledgerToPlan(
        rows,
        {
          file,
          id,
          title: (o.title as string | undefined) ?? id,
          feedbackDate: o.feedbackDate as string,
          ...(directory
            ? { directory }
            : {
                office: { name: o.officeName as string, emails: emails(o.officeEmail as string) },
                leadershipGroup: { name: o.leadershipName as string, emails: emails(o.leadershipEmail as string) },
              }),
          immediateWorkdays,
          calendar: chinaCalendar({ unpublishedYears: o.provisional ? 'statutory' : 'error' }),
        },
        headerRow,
      );
      // Deadlines in a year whose arrangement is not published yet: counted on the statutory holidays, flagged.
      if (o.provisional && result.plan) result.plan.calendar = { unpublishedYears: 'statutory' };
      let issues = result.issues;
      if (!issues.some((i) => i.severity === 'error') && result.plan) {
        issues = [
          ...issues,
          ...validatePlanData(result.plan, file, (path) => {
            if (path[0] === 'measures' && typeof path[1] === 'number') {
              const column = typeof path[2] === 'string' ? result.columnOf[path[2]] : undefined;
              return { row: result.rowOfMeasure[path[1]], field: column ?? formatPath(path.slice(2)) };
            }
            if (path[0] === 'directory' && o.directory) return { field: `${formatPath(path)}(${String(o.directory)})` };
            return { field: `${formatPath(path)}（命令行参数）` };
          }).issues,
        ];
      }
      printIssues(issues);
      if (issues.some((i) => i.severity === 'error')) {
        if (issues.some((i) => /年的节假日安排(未收录|尚未)/.test(i.message))) {
          console.error('rectify: 时限在未公布节假日安排的年份时，可加 --provisional 按法定节假日临时计算');
        }
        throw new Reported('台账有错误');
      }
      writePlanFile(out, result.plan, `由 rectify plan import-ledger 从 ${file} 导入`);
      console.log(`${out}：${result.plan!.problems.length}个问题，${result.plan!.measures.length}项整改措施`);
    });

  plan
    .command('apply <plan>')
    .description('把（修改后的）计划文件应用到运行中的措施：先列出差异，再逐项以工作流自己的请求应用；某项被拒绝时报告该项，其余照常应用')
    .option('--as <actor>', '操作人 office:<经办人>')
    .option('--reason <text>', '调整理由（记入每项措施的经过）', '按计划文件调整')
    .option('--dry-run', '只列出差异，不做任何改动')
    .option('--prune', '计划中已删除的措施：撤销（停止提醒，工作流结束）；不加则只列出')
    .addHelpText(
      'after',
      '\n示例：\n  rectify plan apply plan.yaml --dry-run\n  rectify plan apply plan.yaml --as office:督查科 --reason 按第二季度台账调整 --prune',
    )
    .action(async (path: string, o: { as?: string; reason: string; dryRun?: boolean; prune?: boolean }) => {
      // A broken plan applies nothing: it is checked whole before anything is asked.
      const edited = requireReachable(preparePlan(path), path);
      const actor = o.dryRun ? undefined : parseActor(o.as);
      await withClient(async (client) => {
        if (o.dryRun || !actor) {
          for (const line of describeDiff(await diffPlan(client, edited), !!o.prune)) console.log(line);
          return;
        }
        const outcome = await applyPlan(client, edited, { actor, reason: o.reason, prune: !!o.prune });
        for (const line of describeDiff(outcome.diff, !!o.prune)) console.log(line);
        if (outcome.applied.length) {
          console.log('应用结果：');
          for (const line of outcome.applied) console.log(`  ${line}`);
        }
        for (const f of outcome.failed) console.error(`rectify: 措施${f.measureId}未能调整：${f.reason}`);
        if (outcome.failed.length) throw new Reported(`${outcome.failed.length}项措施未能调整`);
      });
    });

  plan
    .command('schema')
    .description('计划文件的 JSON Schema（已提交为 config/plan.schema.json）')
    .option('--out <file>', '写入文件（默认打印）')
    .action((o: { out?: string }) => {
      const text = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });

  program
    .command('start <plan>')
    .description('为计划的每项措施启动工作流（可重复执行：已在运行的不再启动，中断后再执行即从中断处继续；大计划显示进度）')
    .option('--rebase <date>', '演示用：把全部日期平移，使反馈日期成为该日（YYYY-MM-DD 或 today）')
    .addHelpText(
      'after',
      '\n示例：\n  rectify start config/plans/liangxi-2023.yaml\n  rectify start config/plans/liangxi-2023.yaml --rebase today',
    )
    .action(async (path: string, o: { rebase?: string }) => {
      const started = requireReachable(preparePlan(path, rebaseDate(o.rebase)), path);
      const result = await withClient((client) =>
        startPlan(client, started, { onProgress: progressReporter('启动措施'), untilListed: true }),
      );
      for (const line of describeStarted(started, result)) console.log(line);
      console.log(describeStored(started, result.stored));
      console.log(describeDigest(started, result.digest));
    });

  program
    .command('simulate <plan>')
    .description('不启动任何工作流，列出未来 N 天计划会发出的全部通知及其送达渠道（纯计算）')
    .option('--days <n>', '天数')
    .option('--from <date>', '起始日期 YYYY-MM-DD 或 now', 'now')
    .option('--rebase <date>', '演示用：把全部日期平移，使反馈日期成为该日')
    .option('--json', '输出 JSON')
    .addHelpText('after', '\n示例：\n  rectify simulate config/plans/liangxi-2023.yaml --rebase today --days 365')
    .action((path: string, o: { days?: string; from: string; rebase?: string; json?: boolean }) => {
      const simulated = preparePlan(path, rebaseDate(o.rebase));
      const days = positiveInt(o.days, 'days');
      let from = Date.now();
      if (o.from !== 'now') {
        if (!isIsoDate(o.from)) throw new UsageError(`--from 应为 YYYY-MM-DD 或 now: ${o.from}`);
        from = localInstant(o.from, '00:00', simulated.timeZone);
      }
      const schedule = planSchedule(simulated, from, from + days * 86_400_000);
      if (o.json) {
        console.log(JSON.stringify(schedule, null, 2));
        return;
      }
      for (const n of schedule) {
        const stage =
          n.level !== undefined
            ? `第${n.level + 1}级${n.repeat ? `·第${n.repeat}次重复` : ''}`
            : n.workdaysBefore
              ? `前${n.workdaysBefore}个工作日`
              : n.workdaysBefore === 0
                ? '当日'
                : '';
        const flags = [n.catchUp ? '补发' : '', n.provisionalCalendar ? '临时日历' : ''].filter(Boolean).join(' ');
        const who = n.audiences.map((a) => AUDIENCE_LABELS[a]).join('、');
        const what = `${NOTICE_KINDS[n.kind].label}${stage ? `（${stage}）` : ''}`;
        // Which channels would carry it: 经邮件, or 经邮件、企业微信 where the directory gives robots.
        const by = n.channels.length ? `经${channelWords(n.channels)}` : '名录中无收件人';
        console.log(
          [formatInstant(Date.parse(n.at), simulated.timeZone), n.measureId, what, n.leadUnit, who, by, flags].join('\t').trimEnd(),
        );
      }
      console.log(`共${schedule.length}条通知（${simulated.measures.length}项措施，${days}天）`);
    });
}
