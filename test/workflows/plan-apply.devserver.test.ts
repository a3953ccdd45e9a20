/**
 * `rectify plan apply` on a real dev server: a plan started, then edited as offices edit their
 * ledgers (a deadline moved, a unit reassigned, a measure added, one removed, one text changed,
 * one deadline moved into the past), the dry run's difference, the apply (the refusing measure
 * reported, the rest applied), every change seen through `show`, a second apply with nothing to
 * do, and `--prune` withdrawing the removed measure (its workflow completes).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOutbox } from '../../activities/outbox';
import { measureWorkflowId, planWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import * as SA from '../../contracts/search-attributes';
import { runCli } from '../helpers/cli';
import { plainDateZh } from '../../domain/dates';
import { recordHistory } from '../helpers/histories';
import { drillPlan } from '../helpers/plans';
import { wednesdayAhead } from '../helpers/specs';
import { eventually, settledHistoryLength, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'apply-2024';
const m = (id: string, over: Record<string, string> = {}) => {
  const base: Record<string, string> = {
    title: `措施${id}`,
    text: `措施${id}的内容。`,
    kind: 'deadline',
    leader: '区委常委、常务副区长',
    leadUnit: id.startsWith('2.') ? '区财政局' : '区发改委',
    deadline: '2024-06-28',
    ...over,
  };
  return `{ id: "${id}", problem: ${id.split('.')[0]}, title: ${base.title}, text: ${base.text}, kind: ${base.kind}, leader: ${base.leader}, leadUnit: ${base.leadUnit}, participants: [], deadline: ${base.deadline} }`;
};
const plan = (measures: string[]) =>
  drillPlan({
    id: PLAN_ID,
    title: '演练计划(计划调整)',
    problems: ['高质量发展成效不显', '资产管理较为混乱', '基层党建工作重视不够'],
    measures,
  });

describe('plan apply on a real server', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-apply-'));
  const planPath = join(dir, 'plan.yaml');
  const outbox = new FileOutbox(join(dir, 'outbox'));
  const state = (id: string) => env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id)).query(msg.getStateQuery);
  const history = (id: string) => settledHistoryLength(env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id)));
  const moved = () => wednesdayAhead(Date.now(), 3);
  /** What the CLI printed on stderr besides the plan check's warnings (a year not yet published, say). */
  const errors = (err: string) =>
    err
      .split('\n')
      .filter((l) => l && !l.startsWith('警告'))
      .join('\n');

  beforeAll(async () => {
    stack = await startDevStack(dir, { delivery: outbox });
    env = stack.env;
    writeFileSync(planPath, plan([m('1.1'), m('1.2'), m('1.3'), m('2.1'), m('2.2')]));
    const started = await runCli('start', planPath);
    expect([started.code, errors(started.err)]).toEqual([0, '']);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the difference (dry run, nothing changed), applies it measure by measure, reports the one that refuses', async () => {
    writeFileSync(
      planPath,
      plan([
        m('1.1', { text: '措施1.1的内容(修订)。' }),
        m('1.2', { deadline: moved() }),
        m('1.3', { deadline: '2024-01-31' }),
        m('2.1', { leadUnit: '区委组织部' }),
        m('3.1', { deadline: moved() }),
      ]),
    );
    const before = await Promise.all(['1.1', '1.2', '1.3', '2.1'].map(history));
    const dry = await runCli('plan', 'apply', planPath, '--dry-run');
    expect([dry.code, errors(dry.err)]).toEqual([0, '']);
    expect(dry.out.split('\n')).toEqual([
      `计划 ${PLAN_ID} 与运行中的措施相比：`,
      '新增措施（将启动）（1项）：',
      '  措施3.1“措施3.1”',
      '整改时限变更（作为巡察办决定，时限版本加一，提醒和督办重新安排）（2项）：',
      `  措施1.2“措施1.2”：整改时限：2024年6月28日 → ${plainDateZh(moved())}`,
      '  措施1.3“措施1.3”：整改时限：2024年6月28日 → 2024年1月31日',
      '分工调整（通知新旧单位和区领导）（1项）：',
      '  措施2.1“措施2.1”：牵头单位：区财政局 → 区委组织部',
      '内容变更（1项）：',
      '  措施1.1“措施1.1”：措施内容',
      '计划中已删除（仍在运行；加 --prune 撤销）（1项）：',
      '  措施2.2“措施2.2”',
    ]);
    expect(await Promise.all(['1.1', '1.2', '1.3', '2.1'].map(history))).toEqual(before);

    const applied = await runCli('plan', 'apply', planPath, '--as', 'office:督查科', '--reason', '按第二季度台账调整');
    expect(applied.code).toBe(1);
    expect(applied.err).toContain('rectify: 措施1.3未能调整：请求被拒绝：新时限2024年1月31日应晚于今天');
    expect(applied.out).toContain('  新启动1项措施');
    expect(applied.out).toContain('  措施1.2：已调整时限及内容');

    // Every change, as `show` tells it.
    const show = async (id: string) => (await runCli('show', id, '--plan', PLAN_ID)).out;
    expect(await show('1.1')).toContain('措施内容：措施1.1的内容（修订）。');
    expect(await show('1.2')).toContain(`时限调整：第2版为${plainDateZh(moved())}（按计划调整：按第二季度台账调整）`);
    expect(await show('2.1')).toContain('牵头单位：区委组织部');
    expect(await show('3.1')).toContain('措施3.1“措施3.1”：整改中');
    expect(await show('1.3')).toContain('整改时限：2024年6月28日');
    const s12 = await state('1.2');
    expect([s12.progress.deadline, s12.progress.deadlineVersion]).toEqual([moved(), 2]);
    const shown = await runCli('show', '1.2', '--plan', PLAN_ID, '--timeline');
    expect(shown.out).toContain(`按计划调整，整改时限：2024年6月28日 → ${plainDateZh(moved())}；理由：按第二季度台账调整`);
    // The lead unit and the leader are told of the new deadline as of an approved extension: a notice (its mail
    // carries the .ics of the new date), on the timeline; the measure whose deadline did not move tells no one.
    const told = await eventually(
      async () => (await outbox.list()).filter((n) => n.kind === 'deadline-changed'),
      (ns) => ns.length === 1,
    );
    expect(told[0]).toMatchObject({
      measure: { id: '1.2', deadline: moved(), deadlineVersion: 2 },
      audiences: ['leadUnit', 'leader'],
      event: { previousDeadline: '2024-06-28', requestedDeadline: moved(), reason: '按第二季度台账调整' },
    });
    expect(shown.out).toMatch(/整改时限调整.*\n\s+→ 牵头单位/);
    expect((await state('1.1')).spec.text).toBe('措施1.1的内容(修订)。');
    expect((await state('2.1')).leadUnit).toBe('区委组织部');
    expect((await state('1.3')).progress.deadline).toBe('2024-06-28');
    expect((await state('3.1')).progress.status).toBe('active');
    const view = await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.2')).describe();
    expect(view.typedSearchAttributes.get(SA.Deadline)?.toISOString().slice(0, 10)).toBe(moved());
  });

  it('the office corrects the refused date and an address; applying again does only that, then nothing', async () => {
    writeFileSync(
      planPath,
      plan([
        m('1.1', { text: '措施1.1的内容(修订)。' }),
        m('1.2', { deadline: moved() }),
        m('1.3', { deadline: moved() }),
        m('2.1', { leadUnit: '区委组织部' }),
        m('3.1', { deadline: moved(), leadUnit: '区审计局' }),
      ])
        .replace('czj@district.example.org', 'czj-office@district.example.org')
        // A unit new to the directory, and a measure moved to it.
        .replace('  leaders:\n', '    - name: 区审计局\n      emails: [sjj@district.example.org]\n  leaders:\n'),
    );
    const again = await runCli('plan', 'apply', planPath, '--as', 'office:督查科');
    expect([again.code, errors(again.err)]).toEqual([0, '']);
    expect(again.out).toContain(`措施1.3“措施1.3”：整改时限：2024年6月28日 → ${plainDateZh(moved())}`);
    expect(again.out).toContain('名录和规则变更（下一次发送起生效，不改动措施）：\n  单位邮箱：区财政局\n  新增单位：区审计局');
    expect(again.out).toContain('  措施3.1：已调整分工');
    expect((await state('3.1')).leadUnit).toBe('区审计局');
    expect(again.out).not.toContain('措施1.2“措施1.2”');
    const stored = await env.client.workflow.getHandle(planWorkflowId(PLAN_ID)).query(msg.getPlanQuery);
    expect([stored.version, stored.changes.at(-1)?.by]).toEqual([2, { role: 'office', who: '督查科' }]);
    const twice = await runCli('plan', 'apply', planPath, '--as', 'office:督查科');
    expect(twice.out.split('\n')).toEqual([
      `计划 ${PLAN_ID} 与运行中的措施相比：`,
      '计划中已删除（仍在运行；加 --prune 撤销）（1项）：',
      '  措施2.2“措施2.2”',
    ]);
    await recordHistory('life-amended', env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.2')));
  });

  it('--prune withdraws the measure the file no longer has: reminders stop, the workflow completes, search says so', async () => {
    const pruned = await runCli('plan', 'apply', planPath, '--as', 'office:督查科', '--prune', '--reason', '与措施2.1合并');
    expect([pruned.code, errors(pruned.err)]).toEqual([0, '']);
    expect(pruned.out).toContain('计划中已删除（将撤销：停止提醒，工作流结束）（1项）：');
    expect(pruned.out).toContain('  措施2.2：已撤销');
    const handle = env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '2.2'));
    const described = await eventually(
      () => handle.describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    expect(described.typedSearchAttributes.get(SA.MeasureStatus)).toBe('withdrawn');
    const s = await handle.query(msg.getStateQuery);
    expect(s.withdrawn).toMatchObject({ by: { role: 'office', who: '督查科' }, reason: '与措施2.1合并' });
    expect((await runCli('show', '2.2', '--plan', PLAN_ID)).out).toMatch(/^已撤销：.+由督查科撤销，不再跟踪；理由：与措施2.1合并/);
    const status = await runCli('status', '--plan', PLAN_ID, '--json');
    expect((JSON.parse(status.out) as { measureId: string }[]).map((r) => r.measureId).sort()).toEqual(['1.1', '1.2', '1.3', '2.1', '3.1']);
    const last = await runCli('plan', 'apply', planPath, '--as', 'office:督查科', '--prune');
    expect(last.out).toBe(`计划 ${PLAN_ID}：与运行中的措施一致，无需调整`);
    expect((await env.client.workflow.getHandle(planWorkflowId(PLAN_ID)).query(msg.getPlanQuery)).version).toBe(2);
    await recordHistory('life-withdrawn', handle);
  });

  it('a broken plan applies nothing', async () => {
    writeFileSync(join(dir, 'broken.yaml'), plan([m('1.1', { kind: 'sometimes' })]));
    const before = await history('1.1');
    const broken = await runCli('plan', 'apply', join(dir, 'broken.yaml'), '--as', 'office:督查科');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('kind');
    expect(await history('1.1')).toBe(before);
  });
});
