/**
 * A running measure moves to another Temporal with its whole state (client/migrate.ts, the first
 * part of `rectify migrate`): two dev servers, a measure with progress, an urging sent and an
 * extension pending on the first, copied to the second; the copy answers with the same state,
 * record, timeline and search attributes, and goes on from there.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import { copyMeasure, readContinuation } from '../../client/migrate';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { measureWorkflow } from '../../workflows';
import { testSpec } from '../helpers/specs';
import { devServerExecutable, workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });
jest.setTimeout(120_000);

const server = () =>
  TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
  });
const unit = { role: 'unit', who: '区发改委' } as const;
const office = { role: 'office', who: '督查科' } as const;

it('moves a measure with its state, record, timeline and search attributes; a second copy changes nothing', async () => {
  const [source, target] = [await server(), await server()];
  try {
    const bundle = await workflowBundle();
    const worker = async (env: TestWorkflowEnvironment) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'migrate',
        workflowBundle: bundle,
        activities: createActivities({ delivery: new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-migrate-'))) }),
      });
    const [a, b] = [await worker(source), await worker(target)];
    const workflowId = measureWorkflowId('drill', '1.1');
    await a.runUntil(
      b.runUntil(async () => {
        const handle = await source.client.workflow.start(measureWorkflow, {
          workflowId,
          taskQueue: 'migrate',
          args: [{ spec: testSpec({ deadline: '2026-12-30' }) }],
        });
        await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: unit, note: '已完成初稿，正在征求意见' }] });
        await handle.executeUpdate(msg.remindUpdate, { args: [{ actor: office, note: '请加快进度', force: true }] });
        await handle.executeUpdate(msg.requestExtensionUpdate, {
          args: [{ actor: unit, newDeadline: '2026-12-31', reason: '需待上级政策出台' }],
        });
        // The urging and the extension request have gone out on the source: their Message-IDs are in the timeline.
        for (let i = 0; i < 50 && (await handle.query(msg.getTimelineQuery)).filter((e) => e.to?.[0]?.messageId).length < 2; i++)
          await new Promise((r) => setTimeout(r, 200));

        const from = source.client.workflow.getHandle(workflowId);
        const before = {
          continuation: await readContinuation(source.client, workflowId),
          record: await from.query(msg.getRecordQuery),
          timeline: await from.query(msg.getTimelineQuery),
          searchAttributes: (await from.describe()).typedSearchAttributes,
        };
        expect(before.timeline.filter((e) => e.to?.[0]?.messageId).map((e) => e.what)).toEqual([
          '发出“催办”（致牵头单位）',
          '发出“延期申请”（致巡察办）',
        ]);
        expect(before.continuation.input.state?.pendingExtension).toBeDefined();

        expect(await copyMeasure(source.client, target.client, workflowId, 'migrate')).toBe('copied');
        const to = target.client.workflow.getHandle(workflowId);
        expect(await readContinuation(target.client, workflowId)).toEqual(before.continuation);
        expect(await to.query(msg.getRecordQuery)).toEqual(before.record);
        expect(await to.query(msg.getTimelineQuery)).toEqual(before.timeline);
        expect((await to.describe()).typedSearchAttributes).toEqual(before.searchAttributes);

        // Run again (a migration resumed): the copy is there and stays as it is.
        expect(await copyMeasure(source.client, target.client, workflowId, 'migrate')).toBe('present');

        // The copy goes on from the carried state: the pending extension is decided there.
        const decided = await to.executeUpdate(msg.decideExtensionUpdate, { args: [{ actor: office, approve: true }] });
        expect(decided.deadline).toBe('2026-12-31');
        expect((await to.query(msg.getTimelineQuery)).length).toBeGreaterThan(before.timeline.length);
        await Promise.all([to.terminate('test finished'), from.terminate('test finished')]);
      }),
    );
  } finally {
    await Promise.all([source.teardown(), target.teardown()]);
  }
});
