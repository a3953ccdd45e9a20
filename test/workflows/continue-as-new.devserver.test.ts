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

it('continues as new when suggested, carrying the full state', async () => {
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
      const firstRun = (await handle.describe()).runId;
      for (let i = 1; i <= 20; i++) {
        await handle.executeUpdate(msg.reportProgressUpdate, {
          args: [{ actor: { role: 'unit', who: '区发改委' }, note: `第${i}次进展` }],
        });
      }
      let described = await handle.describe();
      for (let i = 0; i < 50 && described.runId === firstRun; i++) {
        await new Promise((r) => setTimeout(r, 100));
        described = await handle.describe();
      }
      expect(described.runId).not.toBe(firstRun);
      expect(described.status.name).toBe('RUNNING');
      const state = await handle.query(msg.getStateQuery);
      expect(state.audit.map((a) => a.detail.note)).toEqual(Array.from({ length: 20 }, (_, i) => `第${i + 1}次进展`));
      expect(state.progress.reportsDone.length).toBe(1); // the first report answered the current quarter; the rest are extra progress
      // The new run keeps working.
      await handle.executeUpdate(msg.reportProgressUpdate, { args: [{ actor: { role: 'unit', who: '区发改委' }, note: '续报' }] });
      expect((await handle.query(msg.getStateQuery)).audit).toHaveLength(21);
      await handle.terminate('test finished');
    });
  } finally {
    await env.teardown();
  }
});
