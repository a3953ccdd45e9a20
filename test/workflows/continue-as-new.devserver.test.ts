/**
 * History stays bounded: when the server suggests it, a measure continues as new with its whole
 * state. A real dev server told to suggest it early (after 40 events) shows it happen.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import { measureWorkflow } from '../../workflows';
import * as msg from '../../contracts/messages';
import { ALL_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { testSpec } from '../helpers/specs';
import { publishedYears } from '../../domain/calendar-data';
import { devServerExecutable, workflowBundle } from '../helpers/temporal';
import { measureWorkflowId } from '../../contracts/ids';

Runtime.install({ logger: new DefaultLogger('WARN') });

it('continues as new when suggested, several times, carrying the full state and the whole timeline', async () => {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: ['--headless', '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    },
  });
  try {
    const outbox = new FileOutbox(mkdtempSync(join(tmpdir(), 'rectify-can-')));
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'can',
      workflowBundle: await workflowBundle(),
      activities: createActivities({ delivery: outbox }),
    });
    await worker.runUntil(async () => {
      const spec = testSpec({ kind: 'longterm', calendar: { unpublishedYears: 'weekdays', years: publishedYears() } });
      const handle = await env.client.workflow.start(measureWorkflow, {
        workflowId: measureWorkflowId('drill', 'can'),
        taskQueue: 'can',
        args: [{ spec }],
      });
      const runs = new Set([(await handle.describe()).runId]);
      // Progress reports and urgings (each urging sends a notice): enough to continue as new several times.
      for (let i = 1; i <= 45; i++) {
        if (i % 3 === 0)
          await handle.executeUpdate(msg.remindUpdate, {
            args: [{ actor: { role: 'office', who: '督查科' }, note: `第${i}次催办`, force: true }],
          });
        else
          await handle.executeUpdate(msg.reportProgressUpdate, {
            args: [{ actor: { role: 'unit', who: '区发改委' }, note: `第${i}次进展` }],
          });
        runs.add((await handle.describe()).runId);
      }
      const described = await handle.describe();
      expect(runs.size).toBeGreaterThanOrEqual(3);
      expect(described.status.name).toBe('RUNNING');
      const details = await handle.query(msg.getDetailsQuery);
      expect(details.audit.map((a) => a.detail.note)).toEqual(
        Array.from({ length: 45 }, (_, i) => (i % 3 === 2 ? `第${i + 1}次催办` : `第${i + 1}次进展`)),
      );
      expect(details.progress.reportsDone.length).toBe(1); // the first report answered the current quarter; the rest are extra progress
      // getState stays small: only the latest actions.
      expect((await handle.query(msg.getStateQuery)).audit).toHaveLength(20);

      // The timeline has every entry of every run, in order: 45 actions and the 15 urging notices with their message ids.
      const timeline = await handle.query(msg.getTimelineQuery);
      const actions = timeline.filter((e) => e.kind === 'action');
      expect(actions.map((e) => e.what)).toEqual(
        Array.from({ length: 45 }, (_, i) =>
          i % 3 === 2
            ? expect.stringContaining(`第${i + 1}次催办`)
            : i === 0
              ? expect.stringMatching(/^报送进展·截至\d{4}年\d{1,2}月\d{1,2}日的一期，说明：第1次进展$/) // it answers the current quarter
              : `报送进展，说明：第${i + 1}次进展`,
        ),
      );
      const urgings = timeline.filter((e) => e.kind === 'notice' && e.what.includes('催办'));
      expect(urgings).toHaveLength(15);
      for (const u of urgings) expect(u.to?.[0].messageId).toMatch(/^<.+@outbox>$/);
      expect(timeline.map((e) => e.at)).toEqual([...timeline.map((e) => e.at)].sort());
      expect((await outbox.list()).filter((n) => n.kind === 'urged')).toHaveLength(15);

      // The new run keeps working.
      await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: { role: 'unit', who: '区发改委' }, note: '续报' }] });
      expect((await handle.query(msg.getDetailsQuery)).audit).toHaveLength(46);
      await handle.terminate('test finished');
    });
  } finally {
    await env.teardown();
  }
});
