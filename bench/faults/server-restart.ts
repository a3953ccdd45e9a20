import { sleep } from '../lib/harness';
import { setUpBurst, watchMorning } from '../lib/morning';
import { onStage, type Scenario } from './stage';
import { judge, morningFigures } from './verdict';

/** The dev server stopped 40 s before T and started again (same database) 30 s later, while every measure waits on its timer. */
export const serverRestart: Scenario = (argv) =>
  onStage('fault-server', argv, { measures: 500, units: 20 }, async ({ server, smtp, client, measures, units, worker }) => {
    await worker('machine-a');
    const burst = await setUpBurst(client, { measures, units });
    const T = burst.T.toMillis();
    await sleep(T - 40_000 - Date.now());
    await server.restart(30_000);
    const morning = await watchMorning(smtp.accepted, burst, T + 10 * 60_000);
    return {
      scenario: 'server-restart',
      did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}; the dev server stopped at T-40 s and started again on its database at T-10 s`,
      figures: { measures, units, ...morningFigures(morning) },
      failures: judge(morning, 0),
    };
  });
