/** `rectify report`: the progress report (整改进展情况) from live state, in the seed report's structure. */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isIsoDate } from '../../domain/dates';
import { reportDocx } from '../../documents/report-docx';
import { reportHtml } from '../../documents/report-html';
import { reportMarkdown } from '../../documents/report-md';
import { reportXlsx } from '../../documents/sheets';
import { progressReport } from '../report';
import { InputError, refuseOverwrite, UsageError, withClient } from './common';
import { liveLedger } from '../ledger-export';
import { liveLedgerCsv, liveLedgerXlsx } from '../../documents/ledger-sheet';

export const REPORT_FORMATS = ['md', 'html', 'docx', 'xlsx', 'json'] as const;
type Format = (typeof REPORT_FORMATS)[number];

function formatOf(format: string | undefined, out: string | undefined): Format {
  const chosen = format ?? (out ? extname(out).slice(1).toLowerCase() : 'md');
  const f = chosen === 'markdown' ? 'md' : chosen;
  if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--format 应为${REPORT_FORMATS.join(' | ')}${format ? '' : '（或由 --out 的扩展名决定）'}：${chosen}`);
  }
  if ((f === 'docx' || f === 'xlsx') && !out) throw new UsageError(`${f}是二进制文件，请用 --out 指定文件名`);
  return f as Format;
}

function readProse(path: string | undefined, option: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    const text = readFileSync(path, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim();
    if (!text) throw new InputError(`${option} ${path}：文件是空的`);
    return text;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${option} ${path}：无法读取（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`);
  }
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('整改进展情况报告：开头的总体数字、逐个问题的整改情况（一是、二是…）、逾期、延期和回头看，数字取自运行中的措施')
    .option('--plan <id>', '计划（只有一个计划在运行时可省略）')
    .option('--as-of <date>', '截至某日（YYYY-MM-DD）的数字，按各措施记录的状态变化重算；默认今天')
    .option('--format <fmt>', `格式：${REPORT_FORMATS.join(' | ')}（默认按 --out 的扩展名，否则 md）`)
    .option('--out <file>', '写入文件（docx、xlsx 必须）')
    .option('--preface <file>', '第一部分“巡视整改组织领导情况”的文字（纯文本，每段一行）；不给则留出标明的位置')
    .option('--next-steps <file>', '第三部分“下一步工作打算”的文字；不给则留出标明的位置')
    .addHelpText(
      'after',
      '\n示例：\n  rectify report --out 整改进展.docx\n  rectify report --as-of 2024-03-31 --format xlsx --out 一季度.xlsx\n  rectify report --preface 组织领导.txt --next-steps 下一步.txt --out 报告.html',
    )
    .action(async (o: { plan?: string; asOf?: string; format?: string; out?: string; preface?: string; nextSteps?: string }) => {
      const format = formatOf(o.format, o.out);
      if (o.asOf !== undefined && !isIsoDate(o.asOf)) throw new UsageError(`--as-of 应为 YYYY-MM-DD: ${o.asOf}`);
      const preface = readProse(o.preface, '--preface');
      const nextSteps = readProse(o.nextSteps, '--next-steps');
      const report = await withClient((client) => progressReport(client, { planId: o.plan, asOf: o.asOf, preface, nextSteps }));
      const content: string | Buffer =
        format === 'md'
          ? reportMarkdown(report)
          : format === 'html'
            ? reportHtml(report)
            : format === 'json'
              ? `${JSON.stringify(report, null, 2)}\n`
              : format === 'docx'
                ? await reportDocx(report)
                : await reportXlsx(report);
      if (!o.out) {
        console.log(String(content).replace(/\n$/, ''));
        return;
      }
      writeFileSync(o.out, content);
      const t = report.totals;
      console.error(
        `已写入 ${o.out}：截至${report.asOfZh}，${t.problems}个问题、${t.measures}项措施，已完成${t.closed}项，逾期${t.overdue}项，完成率${t.completionRate}`,
      );
    });
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('整改台账');
  ledger
    .command('export')
    .description('导出当前（或某日）的整改台账：每项措施一行，可打印（A4横向），可用 plan import-ledger 再导入')
    .option('--plan <id>', '计划（只有一个计划在运行时可省略）')
    .option('--as-of <date>', '截至某日（YYYY-MM-DD）的台账，按各措施记录的变化重算；默认今天')
    .requiredOption('--out <file>', '写入文件：.xlsx 或 .csv')
    .option('--force', '覆盖已有文件')
    .addHelpText(
      'after',
      '\n示例：\n  rectify ledger export --out 整改台账.xlsx\n  rectify ledger export --as-of 2024-03-31 --out 一季度台账.csv',
    )
    .action(async (o: { plan?: string; asOf?: string; out: string; force?: boolean }) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.xlsx' && ext !== '.csv') throw new UsageError(`--out 应为 .xlsx 或 .csv 文件：${o.out}`);
      if (o.asOf !== undefined && !isIsoDate(o.asOf)) throw new UsageError(`--as-of 应为 YYYY-MM-DD: ${o.asOf}`);
      refuseOverwrite(o.out, o.force);
      const live = await withClient((client) => liveLedger(client, { planId: o.plan, asOf: o.asOf }));
      writeFileSync(o.out, ext === '.xlsx' ? await liveLedgerXlsx(live.rows, live.title) : liveLedgerCsv(live.rows));
      console.error(`已写入 ${o.out}：${live.title}，${live.rows.length}项措施`);
    });
}
