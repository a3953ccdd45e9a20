/**
 * The plan kept in Temporal: a worker with no plan files sends a started plan's mail, resolving
 * recipients from `plan:<id>`; an address corrected in the file and started again is used from
 * the next send, without touching the measures; the plan workflow refuses bad updates with its
 * history unchanged. Mail goes to a real SMTP server in process.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDelivery } from '../../activities/mail/delivery';
import { SentLedger } from '../../activities/mail/sent-ledger';
import { StoredPlans } from '../../activities/mail/stored-plans';
import { smtpMailer, type Mailer } from '../../activities/mail/transport';
import { measureWorkflowId, planWorkflowId } from '../../contracts/ids';
import { getPlanQuery, getStateQuery, updatePlanUpdate } from '../../contracts/messages';
import { runCli } from '../helpers/cli';
import { startPlan } from '../../client/measures';
import { requirePlan } from '../../domain/plan/load';
import { recordHistory } from '../helpers/histories';
import { drillPlan } from '../helpers/plans';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const PLAN_ID = 'stored-2024';
const loadPlanText = (text: string) => requirePlan(text, 'plan.yaml').plan;
const plan = (fgw = 'fgw@district.example.org') =>
  drillPlan({
    id: PLAN_ID,
    title: '演练计划(名录在 Temporal)',
    problems: ['高质量发展成效不显'],
    measures: [
      `{ id: "1.1", problem: 1, title: 健全政策机制, text: 健全。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
    ],
  }).replace('fgw@district.example.org', fgw);

describe('the plan kept in Temporal', () => {
  let stack: DevStack;
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtp;
  let mailer: Mailer;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-stored-'));
  const planPath = join(dir, 'plan.yaml');
  const planHandle = () => env.client.workflow.getHandle(planWorkflowId(PLAN_ID));
  const mailsTo = async (address: string) => (await smtp.parsed()).filter((m) => JSON.stringify(m.to).includes(address));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    mailer = smtpMailer(smtp.url, { ca: smtp.ca, maxConnections: 2 });
    // The worker has no plan files at all: only what Temporal keeps (answers reused for no time, to see changes at once).
    const delivery = new MailDelivery({
      mailer,
      plans: { plan: (id) => new StoredPlans(env.client, undefined, 0).plan(id) },
      ledger: new SentLedger(join(dir, 'sent')),
      from: '"区委巡察办 整改提醒" <rectify@district.example.org>',
    });
    stack = await startDevStack(dir, { delivery });
    env = stack.env;
  }, 120_000);

  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  it('start stores the plan; a worker without files sends from it; a corrected address is used from the next send', async () => {
    writeFileSync(planPath, plan());
    const started = await runCli('start', planPath);
    expect([started.code, started.err]).toEqual([0, '']);
    expect(started.out).toContain(`计划名录和规则已保存在 Temporal（plan:${PLAN_ID}）`);
    const stored = await planHandle().query(getPlanQuery);
    expect(stored.version).toBe(1);
    expect(stored.plan.directory.units.find((u) => u.name === '区发改委')!.emails).toEqual(['fgw@district.example.org']);

    expect((await runCli('remind', '1.1', '--as', 'office:督查科')).code).toBe(0);
    await eventually(
      () => mailsTo('fgw@district.example.org'),
      (m) => m.some((x) => x.subject?.includes('催办')),
    );

    // The office corrects the unit's address in the file and starts again: the plan is updated, the measure untouched.
    const before = (await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.1')).fetchHistory()).events!.length;
    writeFileSync(planPath, plan('fgw-office@district.example.org'));
    const again = await runCli('start', planPath);
    expect(again.out).toContain('计划名录和规则已按计划文件更新');
    expect(again.out).toContain('新启动0项，已在运行1项');
    const updated = await planHandle().query(getPlanQuery);
    expect(updated.version).toBe(2);
    expect(updated.changes).toEqual([
      {
        at: expect.any(String),
        by: { role: 'office', who: 'rectify start' },
        reason: '重新启动计划时按计划文件更新',
        what: ['单位邮箱：区发改委'],
      },
    ]);
    expect((await runCli('start', planPath)).out).toContain('计划名录和规则与 Temporal 中保存的一致');
    expect((await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.1')).fetchHistory()).events!.length).toBe(before);

    expect((await runCli('remind', '1.1', '--as', 'office:督查科', '--force')).code).toBe(0);
    const moved = await eventually(
      () => mailsTo('fgw-office@district.example.org'),
      (m) => m.some((x) => x.subject?.includes('催办')),
    );
    expect(moved.some((x) => x.subject?.includes('催办'))).toBe(true);
    const state = await env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, '1.1')).query(getStateQuery);
    expect(state.audit.filter((a) => a.action === 'remind')).toHaveLength(2);
    await recordHistory('plan-updated', planHandle());
  });

  it('the plan workflow refuses a bad update, or one from anyone but the office, with its history unchanged', async () => {
    const before = (await planHandle().fetchHistory()).events!.length;
    const { plan: current } = await planHandle().query(getPlanQuery);
    const refused = async (request: object) => {
      try {
        await planHandle().executeUpdate(updatePlanUpdate, { args: [request as never] });
      } catch (e) {
        expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
        return (e as WorkflowUpdateFailedError).cause?.message;
      }
      throw new Error('accepted');
    };
    const office = { role: 'office', who: '督查科' };
    expect(await refused({ actor: { role: 'leadership', who: '领导小组' }, plan: current, reason: '改' })).toContain(
      '只有巡察办可以更新计划名录和规则',
    );
    expect(await refused({ actor: office, plan: current, reason: '' })).toBe('调整理由不能为空');
    expect(await refused({ actor: office, plan: { ...current, id: 'other' }, reason: '改' })).toBe(`计划编号不符：应为${PLAN_ID}`);
    const noGroup = { ...current, directory: { ...current.directory, leadershipGroup: { name: '领导小组', emails: [] } } };
    expect(await refused({ actor: office, plan: noGroup, reason: '改' })).toBe('名录中的领导小组应有名称和至少一个邮箱');
    expect((await planHandle().fetchHistory()).events!.length).toBe(before);
  });

  it('start refuses a plan whose lead unit no mail can reach, naming it, and starts nothing', async () => {
    const unreachable = join(dir, 'unreachable.yaml');
    writeFileSync(
      unreachable,
      plan().replace(`id: ${PLAN_ID}`, 'id: unreachable-2024').replace('emails: [fgw@district.example.org]', 'emails: []'),
    );
    const refused = await runCli('start', unreachable);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`rectify: ${unreachable}：以下牵头单位没有联系邮箱，通知无法送达，计划未启动：区发改委`);
    await expect(env.client.workflow.getHandle(planWorkflowId('unreachable-2024')).describe()).rejects.toThrow();
    await expect(env.client.workflow.getHandle(measureWorkflowId('unreachable-2024', '1.1')).describe()).rejects.toThrow();
  });

  it('an interrupted start resumes where it stopped, and tells its progress', async () => {
    const measures = Array.from(
      { length: 30 },
      (_, i) =>
        `{ id: "1.${i + 1}", problem: 1, title: 措施${i + 1}, text: 内容。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: 2024-06-28 }`,
    );
    const big = loadPlanText(drillPlan({ id: 'resume-2024', title: '演练计划(续启动)', problems: ['高质量发展成效不显'], measures }));
    // Interrupted after the tenth: the lanes under way stop at their next step.
    await expect(
      startPlan(env.client, big, {
        onProgress: (done) => {
          if (done >= 10) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    // Lanes under way when it was interrupted finish their start: count once nothing moves any more.
    const countRunning = async () =>
      (
        await Promise.all(
          big.measures.map((m) =>
            env.client.workflow
              .getHandle(measureWorkflowId('resume-2024', m.id))
              .describe()
              .then(() => 1)
              .catch(() => 0),
          ),
        )
      ).reduce((a: number, b: number) => a + b, 0);
    let runningBefore = -1;
    for (let last = -2; runningBefore !== last; await new Promise((r) => setTimeout(r, 300))) {
      last = runningBefore;
      runningBefore = await countRunning();
    }
    expect(runningBefore).toBeGreaterThanOrEqual(10);
    expect(runningBefore).toBeLessThan(30);
    const seen: number[] = [];
    const resumed = await startPlan(env.client, big, { onProgress: (done, total) => seen.push(done * 100 + total) });
    expect([resumed.started.length, resumed.alreadyRunning.length]).toEqual([30 - runningBefore, runningBefore]);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => (i + 1) * 100 + 30));
  });

  it('a plan stored nowhere is an error that says how to store it (logged, retried until it is)', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await expect(new StoredPlans(env.client).plan('nowhere-2024')).rejects.toThrow(
        '计划 nowhere-2024 没有保存在 Temporal 中，worker 也没有它的计划文件：对该计划运行一次 rectify start <计划文件> 即可保存',
      );
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('计划 nowhere-2024 没有保存在 Temporal 中'), { planId: 'nowhere-2024' });
    } finally {
      logged.mockRestore();
    }
  });
});
