/** The working-day calendar on the command line: counting, importing the State Council's notice, refreshing running measures. */
import type { Command } from 'commander';
import { calendarWatchWorkflowId, planOfCalendarWatch } from '../../contracts/ids';
import { getStateQuery, refreshCalendarUpdate, refreshCalendarWatchUpdate } from '../../contracts/messages';
import { CalendarYearUnavailableError, type WorkCalendar } from '../../domain/calendar';
import { calendarRefresh, chinaCalendar, lastPublishedYear, provisionalYearsBetween, publishedYears } from '../../domain/calendar-data';
import { localDate } from '../../domain/dates';
import { formatDateRanges, formatNoticeProblem, HolidayNoticeError, parseHolidayNotice } from '../../domain/holiday-notice';
import { planText, readText, writePlanFile } from '../../config/plan-files';
import { parseActor, sendRequest } from '../actions';
import { calendarWatchOf, listCalendarWatches, listMeasures, startCalendarWatch } from '../measures';
import { InputError, isoDate, refuseOverwrite, Reported, UsageError, withClient, ZONE, withDeskState } from './common';

/** A year nobody has published: the command line can count it provisionally. */
function withProvisionalHint<T>(count: () => T): T {
  try {
    return count();
  } catch (e) {
    if (e instanceof CalendarYearUnavailableError)
      throw new InputError(`${e.year}年的节假日安排未收录；可加 --provisional 按法定节假日临时计算`);
    throw e;
  }
}

/** Said on stderr when an answer rests on the provisional calendar, so that scripts still read plain dates. */
function sayIfProvisional(calendar: WorkCalendar, from: string, to: string): void {
  if (!calendar.isProvisionalBetween(from, to)) return;
  const years: number[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!calendar.isPublished(`${y}-01-01`)) years.push(y);
  console.error(`（按临时日历计算：${years.join('、')}年节假日安排尚未公布，按法定节假日计算，无调休上班日）`);
}

const thisYear = () => Number(localDate(Date.now(), ZONE).slice(0, 4));

export function registerCalendarCommands(program: Command): void {
  const calendar = program.command('calendar').description('中国工作日（节假日与调休）：计算、导入国务院办公厅通知、告知运行中的措施');

  calendar
    .command('workdays <from> <to>')
    .description('区间内的工作日，每行一个')
    .option('--provisional', '未公布安排的年份按法定节假日临时计算')
    .addHelpText('after', '\n示例：\n  rectify calendar workdays 2024-09-27 2024-10-14')
    .action((fromText: string, toText: string, o: { provisional?: boolean }) => {
      const from = isoDate(fromText, '<from>');
      const to = isoDate(toText, '<to>');
      if (to < from) throw new UsageError(`<to> ${to}早于 <from> ${from}`);
      const cal = chinaCalendar(o.provisional ? { unpublishedYears: 'statutory' } : {});
      console.log(withProvisionalHint(() => cal.workdaysInRange(from, to)).join('\n'));
      sayIfProvisional(cal, from, to);
    });

  calendar
    .command('add <date> <n>')
    .description('n 个工作日之后的日期（n 为负数时向前）')
    .option('--provisional', '未公布安排的年份按法定节假日临时计算')
    .addHelpText('after', '\n示例：\n  rectify calendar add 2024-09-30 1     # 2024-10-08\n  rectify calendar add 2024-10-08 -2')
    .action((dateText: string, nText: string, o: { provisional?: boolean }) => {
      const from = isoDate(dateText, '<date>');
      const n = Number(nText);
      if (!Number.isInteger(n)) throw new UsageError(`<n> 应为整数：${nText}`);
      const cal = chinaCalendar(o.provisional ? { unpublishedYears: 'statutory' } : {});
      const result = withProvisionalHint(() => cal.addWorkdays(from, n));
      console.log(result);
      sayIfProvisional(cal, from < result ? from : result, from < result ? result : from);
    });

  calendar
    .command('import <notice>')
    .description('读取国务院办公厅关于某年部分节假日安排的通知（纯文本），得到该年的安排')
    .option('--out <file>', '写入文件（.json 或 .yaml），可放入计划的 calendar.years')
    .option(
      '--install',
      '安装到本部署（RECTIFY_CALENDAR_DIR，默认 var/calendar；设置了 RECTIFY_DATABASE_URL 时在数据库），供所有命令和 worker 使用',
    )
    .option('--partial', '通知只安排了部分节日（如调整通知）时仍安装')
    .option('--force', '覆盖已有文件或已安装的不同安排')
    .addHelpText(
      'after',
      '\n不加 --out 和 --install 时，把安排打印为 JSON。\n\n示例：\n  rectify calendar import 2027年节假日安排通知.txt --install\n  rectify calendar refresh',
    )
    .action(async (file: string, o: { out?: string; install?: boolean; partial?: boolean; force?: boolean }) => {
      if (o.out) {
        planText(o.out, {}); // .json, .yaml or .yml, checked before any work
        refuseOverwrite(o.out, o.force);
      }
      let notice;
      try {
        notice = parseHolidayNotice(readText(file));
      } catch (e) {
        if (!(e instanceof HolidayNoticeError)) throw e;
        for (const p of e.problems) console.error(`${file} ${formatNoticeProblem(p)}`);
        console.error(`rectify: 通知有${e.problems.length}处无法识别，未做任何改动`);
        throw new Reported('通知无法识别');
      }
      // An installed year replaces the whole year: a notice that arranges only some festivals (an adjustment) must say so.
      if (o.install && notice.missing.length && !o.partial) {
        throw new InputError(
          `通知没有${notice.missing.join('、')}的安排，不像全年的安排；安装会以它替换${notice.year}年的全部安排。` +
            `调整通知请与原通知合并后再导入；确要只按这些条目安装请加 --partial`,
        );
      }
      const year = notice.arrangement[notice.year];
      const summary = [
        `${notice.year}年节假日安排：放假${year.holidays.length}天，调休上班${year.workdays.length}天`,
        ...notice.items.map((i) => {
          const working = i.workdays.length ? `；上班${formatDateRanges(i.workdays)}` : '';
          return `  ${i.name}：放假${new Set(i.holidays).size}天，${formatDateRanges(i.holidays)}${working}`;
        }),
        ...notice.warnings.map((w) => `  请核对：${w}`),
      ].join('\n');
      (o.out || o.install ? console.log : console.error)(summary);
      if (o.out) {
        writePlanFile(
          o.out,
          notice.arrangement,
          `${notice.year}年节假日安排，由 rectify calendar import 从 ${file} 导入；可放入计划的 calendar.years`,
        );
        console.log(`已写入 ${o.out}`);
      }
      if (o.install) {
        const { path, outcome } = await withDeskState((desk) => desk.calendar.install(notice.year, year, o.force));
        const what = { installed: '已安装', replaced: '已替换', unchanged: '已安装（内容相同，未改动）' }[outcome];
        console.log(`${what}${notice.year}年节假日安排：${path}`);
        if (outcome !== 'unchanged') console.log('运行 rectify calendar refresh，把新安排告知运行中的措施。');
      }
      if (!o.out && !o.install) process.stdout.write(`${JSON.stringify(notice.arrangement, null, 2)}\n`);
    });

  calendar
    .command('years')
    .description('已公布的年份（数据包的、本机安装的），以及接下来未公布年份的法定节假日')
    .action(async () => {
      const { installed, where } = await withDeskState(async (desk) => ({
        installed: Object.keys(await desk.calendar.read()),
        where: desk.calendar.where,
      }));
      const published = Object.keys(publishedYears())
        .map(Number)
        .sort((a, b) => a - b);
      const local = installed.length ? `（其中${installed.join('、')}年由本部署安装，在 ${where}）` : '';
      console.log(`已公布：${published[0]}–${lastPublishedYear()}年${local}`);
      for (const [year, data] of Object.entries(provisionalYearsBetween(thisYear(), thisYear() + 2))) {
        console.log(`${year}年未公布：临时按法定节假日计算，工作日放假${formatDateRanges(data.holidays)}`);
      }
    });

  calendar
    .command('refresh')
    .description('有新公布（或安装）的年份后，告知运行中的措施和各计划的节假日安排提醒；仍未公布的年份按法定节假日')
    .option('--plan <id>', '只告知一个计划')
    .option('--as <actor>', '操作人 office:<经办人>', 'office:rectify')
    .action(async (o: { plan?: string; as: string }) => {
      const actor = parseActor(o.as);
      await withClient(async (client) => {
        const rows = await listMeasures(client, { planId: o.plan });
        // Plans started before calendar watches existed get theirs now, knowing today's published years.
        const watches = await listCalendarWatches(client, o.plan);
        const watched = new Set(watches.map(planOfCalendarWatch));
        for (const row of rows) {
          if (!row.planId || watched.has(row.planId)) continue;
          watched.add(row.planId);
          const { spec } = await client.workflow.getHandle(row.workflowId).query(getStateQuery);
          const watch = calendarWatchOf(spec, Object.keys(publishedYears()).map(Number));
          if (await startCalendarWatch(client, watch))
            console.log(`计划 ${row.planId}：已启动节假日安排提醒（${calendarWatchWorkflowId(row.planId)}）`);
        }
        // Years already given stay; from last year on is enough for what lies ahead.
        const { years, provisionalYears } = calendarRefresh(thisYear());
        for (const row of rows) await sendRequest(client, row.workflowId, refreshCalendarUpdate, { actor, years, provisionalYears });
        for (const id of watches) {
          // A watch listed but ended meanwhile has nothing to learn.
          await client.workflow
            .getHandle(id)
            .executeUpdate(refreshCalendarWatchUpdate, { args: [{ actor, years }] })
            .catch((e: Error) => console.error(`rectify: ${id}未更新：${e.message}`));
        }
        const pending = Object.keys(provisionalYears);
        const provisional = pending.length ? `；${pending.join('、')}年暂按法定节假日计算` : '';
        console.log(`已向${rows.length}项运行中的措施更新节假日安排（已公布至${lastPublishedYear()}年${provisional}）`);
      });
    });
}
