/**
 * `rectify rollup digest`: the weekly digest at city or province level (各地区周报) — set whom it
 * goes to and when, show it, turn it off, or send this week's now.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadSettings } from '../../config/settings';
import type { RollupDigestInput } from '../../contracts/inputs';
import { formatInstantZoned } from '../../domain/dates';
import { WEEKDAY_NAMES } from '../../domain/weekly';
import { unknownPlan } from '../actions';
import { listPlanIds } from '../records';
import { DEFAULT_ZONE } from '../report';
import {
  DEFAULT_ROLLUP_DIGEST,
  describeRollupDigest,
  readRollupDigest,
  removeRollupDigest,
  sendRollupDigestNow,
  setRollupDigest,
} from '../rollup-digest';
import { planList, UsageError, withClient } from './common';

interface DigestOptions {
  name?: string;
  to?: string;
  weekday?: string;
  at?: string;
  plans?: string;
  title?: string;
  off?: boolean;
  now?: boolean;
}

const email = z.email();

/** 1–7 or 周一…周日 (星期一 too). */
function weekdayOf(value: string): number {
  const n = /^[1-7]$/.test(value) ? Number(value) : WEEKDAY_NAMES.indexOf(value.replace(/^星期/, '周').replace('周天', '周日'));
  if (!(n >= 1 && n <= 7)) throw new UsageError(`--weekday 应为 1–7（1 为周一）或 周一…周日：${value}`);
  return n;
}

function clockOf(value: string): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw new UsageError(`--at 应为 HH:mm（24小时制，如 10:00）：${value}`);
  return value;
}

function emailsOf(value: string): string[] {
  const emails = [...new Set(value.split(/[,，、;；\s]+/).filter(Boolean))];
  const bad = emails.filter((e) => !email.safeParse(e).success);
  if (!emails.length || bad.length) throw new UsageError(`--to 应为邮箱，逗号分隔${bad.length ? `；格式错误：${bad.join('、')}` : ''}`);
  return emails;
}

export function registerRollupDigestCommand(rollup: Command): void {
  rollup
    .command('digest')
    .description('各地区周报：每周把有新增逾期、督办至领导小组或反弹回潮的地区发给市（省）巡察办；不带选项时显示当前设置')
    .option('--name <office>', '收件单位，如 市委巡察办（邮件称呼）')
    .option('--to <emails>', '收件邮箱，逗号分隔')
    .option('--weekday <day>', `星期几发送：1–7 或 周一…周日（默认${WEEKDAY_NAMES[DEFAULT_ROLLUP_DIGEST.weekday]}）`)
    .option('--at <HH:mm>', `几点发送（默认${DEFAULT_ROLLUP_DIGEST.at}，在各区领导小组周报之后）`)
    .option('--plans <ids>', '只汇总这些计划（逗号分隔）；默认全部运行中的计划')
    .option('--title <text>', '谁的汇总，如 某市委巡察办（默认 RECTIFY_ROLLUP_TITLE）')
    .option('--off', '停止发送（删除定时任务）')
    .option('--now', '立即发送本周（最近七天）的周报')
    .addHelpText(
      'after',
      '\n示例：\n  rectify rollup digest --name 市委巡察办 --to xcb@example.org\n  rectify rollup digest --weekday 周五 --at 16:00\n  rectify rollup digest --now\n  rectify rollup digest --off',
    )
    .action(async (o: DigestOptions) => {
      const changes =
        o.name !== undefined ||
        o.to !== undefined ||
        o.weekday !== undefined ||
        o.at !== undefined ||
        o.plans !== undefined ||
        o.title !== undefined;
      if (o.off && (changes || o.now)) throw new UsageError('--off 不能与其他选项同用');
      // Everything checked before anything is changed.
      const weekday = o.weekday === undefined ? undefined : weekdayOf(o.weekday);
      const at = o.at === undefined ? undefined : clockOf(o.at);
      const emails = o.to === undefined ? undefined : emailsOf(o.to);
      const name = o.name?.trim();
      if (o.name !== undefined && !name) throw new UsageError('--name 不能为空');
      const planIds = planList(o.plans);
      await withClient(async (client) => {
        if (o.off) {
          console.log((await removeRollupDigest(client)) ? '各地区周报已停止（定时任务已删除）' : '各地区周报本来就没有设置');
          return;
        }
        const current = await readRollupDigest(client);
        let setting = current;
        if (changes) {
          if (!current && (!name || !emails)) throw new UsageError('第一次设置各地区周报，请用 --name 和 --to 指定收件单位和邮箱');
          if (planIds) {
            const running = new Set(await listPlanIds(client));
            const missing = planIds.find((id) => !running.has(id));
            if (missing !== undefined) throw await unknownPlan(client, missing);
          }
          const before = current?.input;
          const input: RollupDigestInput = {
            recipients: { name: name ?? before!.recipients.name, emails: emails ?? before!.recipients.emails },
            title: o.title ?? before?.title ?? loadSettings().web.rollupTitle ?? '',
            ...((planIds ?? before?.planIds) ? { planIds: planIds ?? before!.planIds } : {}),
            timeZone: before?.timeZone ?? DEFAULT_ZONE,
            at: at ?? current?.timing.at ?? DEFAULT_ROLLUP_DIGEST.at,
          };
          setting = { input, timing: { weekday: weekday ?? current?.timing.weekday ?? DEFAULT_ROLLUP_DIGEST.weekday, at: input.at } };
          const done = await setRollupDigest(client, setting);
          console.log(`${describeRollupDigest(setting)}（${done === 'created' ? '已创建' : '已更新'}）`);
        } else if (!o.now) {
          console.log(describeRollupDigest(current));
          if (current?.next) console.log(`下次发送：${formatInstantZoned(current.next.getTime(), current.input.timeZone)}`);
        }
        if (o.now) {
          if (!setting) throw new UsageError('还没有设置各地区周报，请先用 --name 和 --to 设置');
          const sent = await sendRollupDigestNow(client, setting);
          if ('underWay' in sent) {
            console.log(`各地区周报正在发送（${sent.underWay}）：两分钟内未发完，请确认 worker 在运行，发出后可在发送台账中查到`);
            return;
          }
          console.log(
            sent.sent.length
              ? `已发送各地区周报至${sent.sent.join('、')}：${sent.districts}个地区，其中${sent.moved}个本周有新增逾期、督办至领导小组或反弹回潮`
              : `没有发送：${sent.districts}个地区都没有未完成的措施`,
          );
          for (const p of sent.problems ?? []) console.log(`未能送达：${p}`);
        }
      });
    });
}
