/** `rectify rollup`: the roll-up of many plans (各地区汇总), one row per district, as text, Word, Excel or JSON. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { loadSettings } from '../../config/settings';
import { isIsoDate } from '../../domain/dates';
import { rollupSummary, rollupTable, type Rollup } from '../../domain/rollup';
import { rollupDocx } from '../../documents/rollup-docx';
import { rollupXlsx } from '../../documents/rollup-sheet';
import { readRollup } from '../rollup';
import { planList, UsageError, withClient } from './common';
import { registerRollupDigestCommand } from './rollup-digest';

const FORMATS = ['text', 'docx', 'xlsx', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** The table as the terminal shows it: tab-separated, the district's name and plan first, the totals last. */
export function rollupLines(r: Rollup): string[] {
  const t = rollupTable(r);
  return [
    ['地区（计划）', '计划编号', ...t.head].join('\t'),
    ...t.rows.map((d) => [d.name, d.planId, ...d.cells].join('\t')),
    [t.totals.name, '', ...t.totals.cells].join('\t').replace(/\t+$/, ''),
    rollupSummary(r),
  ];
}

export function registerRollupCommand(program: Command): void {
  const rollup = program
    .command('rollup')
    // `rollup digest --plans …` are the digest's own options, not the roll-up's (the root's too: index.ts).
    .enablePositionalOptions()
    .description('各地区（计划）整改汇总：每个计划一行，数字与该计划的进展报告一致，末行合计')
    .option('--plans <ids>', '只汇总这些计划（逗号分隔）；默认全部运行中的计划')
    .option('--as-of <date>', '截至某日（YYYY-MM-DD）的数字；默认今天')
    .option('--format <fmt>', `格式：${FORMATS.join(' | ')}（默认按 --out 的扩展名，否则 text）`)
    .option('--out <file>', '写入文件（docx、xlsx 必须）')
    .option('--title <text>', '汇总表标题前的单位名称（默认 RECTIFY_ROLLUP_TITLE）')
    .addHelpText(
      'after',
      '\n示例：\n  rectify rollup\n  rectify rollup --as-of 2027-03-31 --out 汇总表.docx\n  rectify rollup --plans liangxi-2023,binhu-2023 --format json',
    )
    .action(async (o: { plans?: string; asOf?: string; format?: string; out?: string; title?: string }) => {
      const chosen = o.format ?? (o.out ? extname(o.out).slice(1).toLowerCase() : 'text');
      if (!(FORMATS as readonly string[]).includes(chosen))
        throw new UsageError(`--format 应为${FORMATS.join(' | ')}${o.format ? '' : '（或由 --out 的扩展名决定）'}：${chosen}`);
      const format = chosen as Format;
      if ((format === 'docx' || format === 'xlsx') && !o.out) throw new UsageError(`${format}是二进制文件，请用 --out 指定文件名`);
      if (o.asOf !== undefined && !isIsoDate(o.asOf)) throw new UsageError(`--as-of 应为 YYYY-MM-DD：${o.asOf}`);
      const planIds = planList(o.plans);
      const title = o.title ?? loadSettings().web.rollupTitle ?? '';
      const r = await withClient((client) => readRollup(client, { planIds, asOf: o.asOf }));
      const content: string | Buffer =
        format === 'text'
          ? `${rollupLines(r).join('\n')}\n`
          : format === 'json'
            ? `${JSON.stringify(r, null, 2)}\n`
            : format === 'docx'
              ? await rollupDocx(r, { title })
              : await rollupXlsx(r, { title });
      if (!o.out) {
        console.log(String(content).replace(/\n$/, ''));
        return;
      }
      writeFileSync(o.out, content);
      console.error(`已写入 ${o.out}：${rollupSummary(r)}`);
    });
  registerRollupDigestCommand(rollup);
}
