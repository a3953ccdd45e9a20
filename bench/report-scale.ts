/**
 * Benchmark (not a test): the progress report over a large plan on a real dev server. Starts N
 * measure workflows (default 20,000 over 100 problems and 60 units; a quarter overdue, a tenth
 * long-term), waits until every one has published its record in its memo, has a tenth report
 * progress, then times the report as `rectify report` and the web build it (visibility list +
 * counting), its renderings, and a report --as-of yesterday (visibility, plus a query for each
 * measure with a note since). Prints the figures and writes bench/results/report-<N>.json.
 *   npm run bench -- report [--measures 20000]
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { FileOutbox } from '../activities/outbox';
import { startPlan } from '../client/measures';
import { progressReport } from '../client/report';
import { mapBounded, readRecords } from '../client/records';
import { planRecords } from '../client/plan-records';
import { measureWorkflowId } from '../contracts/ids';
import { reportProgressUpdate } from '../contracts/messages';
import { validatePlanData } from '../domain/plan/load';
import { RECORD_MEMO_KEY } from '../domain/record';
import { reportDocx } from '../documents/report-docx';
import { reportHtml } from '../documents/report-html';
import { reportXlsx } from '../documents/sheets';
import { resolveBinary, TEMPORAL_CLI } from '../runtime/binaries';
import { createWorker } from '../worker/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { option } from './lib/args';
import { writeResult } from './lib/results';

const ZONE = 'Asia/Shanghai';

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export async function reportScale(argv: string[]): Promise<number> {
  const measures = option(argv, 'measures', 20_000);
  const units = 60;
  const problems = 100;
  const dir = mkdtempSync(join(tmpdir(), 'rectify-bench-report-'));
  const soon = DateTime.now().setZone(ZONE).plus({ months: 3 });
  const deadline = (i: number) => (i % 4 === 0 ? '2024-06-28' : soon.plus({ days: i % 60 }).toISODate()!);
  const data = {
    id: 'scale',
    title: '规模测试计划',
    feedbackDate: '2024-01-15',
    timeZone: ZONE,
    calendar: { unpublishedYears: 'weekdays' },
    directory: {
      units: Array.from({ length: units }, (_, u) => ({ name: `单位${u + 1}`, emails: [`unit-${u + 1}@bench.example.org`] })),
      leaders: [{ role: '区委常委、常务副区长', email: 'leader@bench.example.org' }],
      office: { name: '区委巡察办', emails: ['office@bench.example.org'] },
      leadershipGroup: { name: '领导小组', emails: ['group@bench.example.org'] },
    },
    problems: Array.from({ length: problems }, (_, p) => ({ no: p + 1, title: `问题${p + 1}` })),
    measures: Array.from({ length: measures }, (_, i) => ({
      id: `${(i % problems) + 1}.${Math.floor(i / problems) + 1}`,
      problem: (i % problems) + 1,
      title: `措施${i + 1}`,
      text: `措施${i + 1}。`,
      kind: i % 10 === 9 ? 'longterm' : 'deadline',
      leader: '区委常委、常务副区长',
      leadUnit: `单位${(i % units) + 1}`,
      participants: [],
      ...(i % 10 === 9 ? { cadence: 'quarterly' } : { deadline: deadline(i) }),
    })),
  };
  const { plan, issues } = validatePlanData(data, 'bench', (path) => ({ field: path.join('.') }));
  if (!plan) throw new Error(issues.map((x) => x.message).join('\n'));

  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: resolveBinary(TEMPORAL_CLI).executable, searchAttributes: ALL_SEARCH_ATTRIBUTES, extraArgs: ['--headless'] },
  });
  try {
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      delivery: new FileOutbox(join(dir, 'outbox')),
      plans: planRecords(env.client),
    });
    await worker.runUntil(async () => {
      const start = await timed(() => startPlan(env.client, plan, { concurrency: 32 }));
      console.log(`started ${start.value.started.length} measure workflows in ${(start.ms / 1000).toFixed(1)} s`);
      // Every measure publishes its record on its first turn: wait until visibility has them all.
      const ready = await timed(async () => {
        for (;;) {
          let published = 0;
          for await (const wf of env.client.workflow.list({
            query: `PlanId = '${plan.id}' AND WorkflowType = 'measureWorkflow'`,
            pageSize: 1000,
          }))
            if (wf.memo?.[RECORD_MEMO_KEY]) published++;
          if (published === measures) return;
          await new Promise((r) => setTimeout(r, 2000));
        }
      });
      console.log(`all ${measures} records in visibility ${(ready.ms / 1000).toFixed(1)} s after the starts`);
      // A tenth of the measures report progress today: their notes are in the memos, and a report of
      // yesterday must ask those measures for their notes as they stood then.
      const noted = plan.measures.filter((_, i) => i % 10 === 3);
      const progress = await timed(() =>
        mapBounded(noted, 16, (m) =>
          env.client.workflow.getHandle(measureWorkflowId(plan.id, m.id)).executeUpdate(reportProgressUpdate, {
            args: [{ actor: { role: 'unit', who: m.leadUnit }, note: `${m.title}：本月完成阶段任务` }],
          }),
        ),
      );
      await (async () => {
        for (;;) {
          let withNote = 0;
          for await (const wf of env.client.workflow.list({
            query: `PlanId = '${plan.id}' AND WorkflowType = 'measureWorkflow'`,
            pageSize: 1000,
          }))
            if ((wf.memo?.[RECORD_MEMO_KEY] as { notes?: unknown[] } | undefined)?.notes?.length) withNote++;
          if (withNote === noted.length) return;
          await new Promise((r) => setTimeout(r, 2000));
        }
      })();
      console.log(`${noted.length} progress reports in ${(progress.ms / 1000).toFixed(1)} s, in the memos`);

      // The server's own share of the listing: the raw pages, undecoded.
      const raw = await timed(async () => {
        let token: Uint8Array | undefined;
        let n = 0;
        do {
          const res = await env.client.workflowService.listWorkflowExecutions({
            namespace: 'default',
            query: `PlanId = '${plan.id}' AND WorkflowType = 'measureWorkflow' AND ExecutionStatus = 'Running'`,
            pageSize: 1000,
            nextPageToken: token,
          });
          n += res.executions.length;
          token = res.nextPageToken?.length ? res.nextPageToken : undefined;
        } while (token);
        return n;
      });
      console.log(`  the server's pages alone (${raw.value} executions): ${(raw.ms / 1000).toFixed(2)} s`);
      // Where the time goes: the visibility list (with the memos), then counting.
      const list = await timed(() => readRecords(env.client, { planId: plan.id }));
      console.log(
        `  of which listing ${list.value.records.length} records from visibility: ${(list.ms / 1000).toFixed(2)} s (${list.value.queried} queried)`,
      );
      const runs: number[] = [];
      let report;
      for (let i = 0; i < 3; i++) {
        const r = await timed(() => progressReport(env.client, { planId: plan.id }));
        runs.push(r.ms);
        report = r.value;
      }
      const t = report!.totals;
      console.log(`report (visibility + counting), 3 runs: ${runs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
      console.log(
        `  ${t.problems} problems, ${t.measures} measures: closed ${t.closed}, active ${t.active}, overdue ${t.overdue}, long-term ${t.longterm}`,
      );
      const docx = await timed(() => reportDocx(report!));
      const xlsx = await timed(() => reportXlsx(report!));
      const html = await timed(async () => reportHtml(report!));
      console.log(
        `rendering: docx ${(docx.ms / 1000).toFixed(2)} s (${(docx.value.length / 1e6).toFixed(1)} MB), xlsx ${(xlsx.ms / 1000).toFixed(2)} s, html ${(html.ms / 1000).toFixed(2)} s`,
      );
      const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate()!;
      const asOf = await timed(() => progressReport(env.client, { planId: plan.id, asOf: yesterday }));
      console.log(
        `report --as-of ${yesterday} (visibility, and a query for each of the ${noted.length} measures with a note since, 16 at a time): ${(asOf.ms / 1000).toFixed(1)} s`,
      );
      const result = {
        measures,
        startSeconds: start.ms / 1000,
        reportSeconds: runs.map((ms) => ms / 1000),
        renderSeconds: { docx: docx.ms / 1000, xlsx: xlsx.ms / 1000, html: html.ms / 1000 },
        asOfSeconds: asOf.ms / 1000,
        asOfQueried: noted.length,
        totals: t,
      };
      console.log(`written: ${writeResult(`report-${measures}`, result)}`);
    });
  } finally {
    await env.teardown();
  }
  return 0;
}
