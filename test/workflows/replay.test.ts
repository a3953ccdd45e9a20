/**
 * Committed histories must replay with the current workflow code: a change that would break
 * running workflows fails here (guard it with patched()). Re-record a history only for a
 * deliberate, versioned change: RECORD_HISTORIES=1 npx jest test/workflows --runInBand, which
 * writes new files beside the committed ones and never replaces one (test/helpers/histories.ts).
 */
import { Worker, DefaultLogger, Runtime } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundle } from '../helpers/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const DIR = join(__dirname, '../histories');
const histories = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of committed histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  it('keeps the workflow bundle free of zod, Node-only modules and the holiday data package', async () => {
    const { code } = await workflowBundle();
    expect(code).toContain('measureWorkflow');
    expect(code).not.toMatch(/node_modules\/(zod|yaml|exceljs|csv-parse|jsonc-parser|chinese-days)\//);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(5);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay:${file}`);
  });
});
