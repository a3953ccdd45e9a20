/**
 * A worker killed (SIGKILL) mid-burst: started again on the same machine, or with a second
 * machine carrying on alone. At most KILL_WINDOW mails sent twice, none lost.
 */
import { seconds } from '../lib/results';
import { setUpBurst, watchMorning } from '../lib/morning';
import { KILL_WINDOW, killMidBurst, onStage, type Scenario } from './stage';
import { judge, morningFigures, sendHistories } from './verdict';

/** kill -9 the worker as the burst's first mail is accepted; start it again on the same machine (var dir). */
export const killWorker: Scenario = (argv) =>
  // Each message is held 300 ms before its 250, so the burst lasts seconds and the kill lands inside it.
  onStage('fault-kill', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    const a = await stage.worker('machine-a');
    const burst = await setUpBurst(stage.client, stage);
    const kill = await killMidBurst(stage, burst, a, argv);
    await stage.worker('machine-a');
    const restartedAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    return {
      scenario: 'kill-worker',
      did: `${kill.said}; restarted on the same machine ${seconds(restartedAt)} s after`,
      figures: { ...kill.figures, restartedSeconds: seconds(restartedAt), ...morningFigures(morning) },
      failures: judge(morning, KILL_WINDOW),
    };
  });

/** Two workers on two "machines" (separate var dirs, so separate sent-ledgers); one killed mid-burst and not restarted. */
export const twoMachines: Scenario = (argv) =>
  onStage('fault-two', argv, { measures: 2000, units: 50, delayMs: 300 }, async (stage) => {
    const a = await stage.worker('machine-a');
    await stage.worker('machine-b');
    const burst = await setUpBurst(stage.client, stage);
    const kill = await killMidBurst(stage, burst, a, argv);
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    const twice = await sendHistories(stage.client, burst, morning.duplicatedTo);
    for (const line of twice) console.log(`  sent twice: ${line}`);
    return {
      scenario: 'two-machines',
      did: `${kill.said} (machine A; B, with its own var dir, carried on alone)`,
      figures: { ...kill.figures, ...morningFigures(morning), sentTwice: twice },
      failures: judge(morning, KILL_WINDOW),
    };
  });
