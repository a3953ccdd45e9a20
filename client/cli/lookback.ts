/** Look-back reviews (回头看) on the command line: campaigns launched and counted, outcomes recorded. */
import type { Command } from 'commander';
import { lookbackWorkflowId, parseMeasureWorkflowId } from '../../contracts/ids';
import { recordOutcomeUpdate } from '../../contracts/messages';
import { formatInstant, localDate } from '../../domain/dates';
import { parseActor, resolveMeasure, sendRequest } from '../actions';
import { campaignNames, campaignStatus, launchCampaign, reviewState } from '../lookback';
import { InputError, isoDate, need, oneOf, positiveInt, withClient, ZONE } from './common';

export function registerLookbackCommands(program: Command): void {
  const lookback = program.command('lookback').description('回头看：专项启动、进度统计、记录结论');

  lookback
    .command('launch')
    .description('对符合条件的已销号措施开展回头看专项（每个计划一个专项工作流；重复执行不重复启动）')
    .option('--name <name>', '专项名称')
    .option('--due <date>', '回头看时限 YYYY-MM-DD')
    .option('--plan <id>', '计划')
    .option('--problem <n>', '问题序号')
    .option('--unit <name>', '牵头单位')
    .option('--kind <kind>', '措施类型 immediate | deadline | phased | longterm')
    .option('--leader <role>', '负责区领导')
    .option('--closed-before <date>', '此日之前销号的（按计划时区的日期）')
    .option('--ids <list>', '措施编号，逗号分隔，如1.1,2.3')
    .addHelpText(
      'after',
      '\n示例：\n  rectify lookback launch --name 2026年冬季回头看 --due 2026-12-31 --plan liangxi-2023 --closed-before 2026-09-01',
    )
    .action(async (o: Record<string, string | undefined>) => {
      const problem = o.problem === undefined ? undefined : positiveInt(o.problem, 'problem', '问题序号');
      const filter = {
        planId: o.plan,
        problem,
        unit: o.unit,
        kind: o.kind,
        leader: o.leader,
        closedBefore: o.closedBefore === undefined ? undefined : isoDate(o.closedBefore, '--closed-before'),
        ids: o.ids
          ?.split(',')
          .map((i) => i.trim())
          .filter(Boolean),
      };
      const name = need(o.name, 'name');
      const due = need(o.due, 'due');
      const { results, skipped } = await withClient((client) => launchCampaign(client, name, due, filter, localDate(Date.now(), ZONE)));
      if (!results.length) console.log('没有符合条件的已销号措施，未启动回头看');
      for (const r of results) {
        console.log(`计划 ${r.planId}“${name}”：${r.launched ? `已启动，覆盖${r.measures}项已销号措施` : '此前已启动，未重复启动'}`);
      }
      for (const k of skipped) console.log(`未纳入：措施${k.measureId}（${k.reason}）`);
    });

  lookback
    .command('status <name>')
    .description('一个专项的回头看：已完成（巩固、反弹回潮）、待完成、逾期')
    .option('--plan <id>', '计划')
    .option('--json', '输出 JSON')
    .option('--list', '列出待完成和逾期的措施')
    .action(async (name: string, o: { plan?: string; json?: boolean; list?: boolean }) => {
      const s = await withClient(async (client) => {
        const found = await campaignStatus(client, name, o.plan, Date.now());
        if (!found.reviews) {
          const names = await campaignNames(client, o.plan);
          throw new InputError(
            `没有名为“${name}”的回头看专项${names.length ? `（已有：${names.join('、')}）` : '（还没有开展过回头看专项）'}`,
          );
        }
        return found;
      });
      if (o.json) {
        console.log(JSON.stringify(s));
        return;
      }
      const done = `已完成${s.done}（巩固${s.sustained}，反弹回潮${s.relapsed}）`;
      console.log(`回头看“${name}”：共${s.reviews}项，${done}，待完成${s.pending}（其中逾期${s.overdue}）`);
      if (o.list) {
        for (const w of s.waiting) {
          const due = w.dueAt ? formatInstant(Date.parse(w.dueAt), ZONE) : '';
          console.log([w.overdue ? '逾期' : '待完成', `措施${w.measureId}`, w.leadUnit ?? '', `时限：${due}`, w.planId ?? ''].join('\t'));
        }
      }
    });

  lookback
    .command('record <measure>')
    .description('巡察办记录回头看结论；反弹回潮时措施以新的时限重新整改，并告知牵头单位、负责区领导和领导小组')
    .option('--round <n>', '第几次回头看')
    .option('--as <actor>', '操作人 office:<经办人>')
    .option('--sustained', '整改成效巩固')
    .option('--relapsed', '反弹回潮')
    .option('--new-deadline <date>', '反弹回潮时新的整改时限')
    .option('--notes <text>', '核查说明')
    .option('--evidence <item>', '佐证材料（可重复）', (v: string, all: string[] = []) => [...all, v])
    .option('--plan <id>', '措施编号在多个计划中时指定计划')
    .addHelpText('after', '\n示例：\n  rectify lookback record 2.3 --round 1 --as office:督查科 --sustained --notes 经核查，成效巩固')
    .action(async (measureId: string, o: Record<string, string | string[] | boolean | undefined>) => {
      const round = positiveInt(o.round as string | undefined, 'round');
      const request = {
        actor: parseActor(o.as as string | undefined),
        outcome: oneOf(o, 'relapsed', 'sustained') ? ('relapsed' as const) : ('sustained' as const),
        notes: need(o.notes as string | undefined, 'notes'),
        evidence: o.evidence as string[] | undefined,
        newDeadline: o.newDeadline as string | undefined,
      };
      const review = await withClient(async (client) => {
        const { planId } = parseMeasureWorkflowId(await resolveMeasure(client, measureId, o.plan as string | undefined))!;
        const state = await reviewState(client, planId, measureId, round);
        if (state !== 'open') {
          const outcome = state.outcome === 'relapsed' ? '反弹回潮' : '巩固';
          const when = state.recordedAt ? `，${formatInstant(Date.parse(state.recordedAt), ZONE)}` : '';
          throw new InputError(
            `措施${measureId}第${round}次回头看已记录结论：${outcome}（${state.recordedBy ?? ''}${when}），不再重复记录`,
          );
        }
        return sendRequest(client, lookbackWorkflowId(planId, measureId, round), recordOutcomeUpdate, request);
      });

      const outcome = review.outcome === 'relapsed' ? '反弹回潮，已重新列入整改' : '巩固';
      console.log(`措施${review.measureId}第${review.round}次回头看：${outcome}（${review.recordedBy}）`);
    });
}
