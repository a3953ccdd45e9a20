import { sleep } from '../lib/harness';
import { seconds } from '../lib/results';
import { tcpGate } from '../lib/smtp';
import { setUpBurst, watchMorning } from '../lib/morning';
import { onStage, type Scenario } from './stage';
import { judge, morningFigures } from './verdict';

/**
 * SMTP down over the send instant: connections refused from a minute before T until T + 1 min,
 * then greylisting (451 to every recipient) until T + 2.5 min, then back; one unit's address is
 * refused (550) throughout. Everything deliverable arrives, the office is told once about the
 * refused address, and the senders knock at a bounded rate (retries back off from 10 s).
 */
export const smtpDown: Scenario = (argv) =>
  onStage('fault-smtp', argv, { measures: 200, units: 20 }, async ({ smtp, client, measures, units, worker }) => {
    const gate = await tcpGate(smtp.port);
    try {
      const refused = 'unit-3@bench.example.org';
      smtp.policy.reject.add(refused);
      await worker('machine-a', gate.url);
      const burst = await setUpBurst(client, { measures, units });
      const T = burst.T.toMillis();
      await sleep(T - 60_000 - Date.now());
      await gate.down();
      await sleep(T + 60_000 - Date.now());
      smtp.policy.greylist = true;
      await gate.up();
      const greylistFrom = smtp.attempts.length;
      await sleep(T + 150_000 - Date.now());
      smtp.policy.greylist = false;
      const greylisted = smtp.attempts.slice(greylistFrom);
      const recoveredAt = Date.now();
      const except = (key: string) => key.startsWith(`${refused} `);
      const morning = await watchMorning(smtp.accepted, burst, T + 20 * 60_000, { except });
      const officeReports = morning.others.filter((o) => o.to === 'office@bench.example.org' && o.subject.startsWith('【通知未送达】'));
      const perMinute = (instants: number[]) => {
        const counts = new Map<number, number>();
        for (const t of instants) counts.set(Math.floor(t / 60_000), (counts.get(Math.floor(t / 60_000)) ?? 0) + 1);
        return Math.max(0, ...counts.values());
      };
      // Each recipient's digest retries at most every 10 s: six knocks a minute each, at most.
      const bound = 6 * units;
      const failures = judge(morning, 0);
      if (officeReports.length !== 1) failures.push(`the office was told ${officeReports.length} times about ${refused} (want once)`);
      const greylistPeak = perMinute(greylisted);
      if (greylistPeak > bound) failures.push(`${greylistPeak} attempts in a minute while greylisted (bound ${bound})`);
      return {
        scenario: 'smtp-down',
        did: `${measures} notices for ${units} units due at ${burst.T.toFormat('HH:mm')}; SMTP refused connections from T-60 s to T+60 s, greylisted (451) to T+150 s, and refused ${refused} (550) throughout`,
        figures: {
          measures,
          units,
          ...morningFigures(morning),
          deliveredAfterRecoverySeconds: seconds(morning.lastMs - (recoveredAt - T)),
          greylistAttempts: greylisted.length,
          greylistAttemptsPeakPerMinute: greylistPeak,
          attemptsBoundPerMinute: bound,
          officeReports: officeReports.length,
        },
        failures,
      };
    } finally {
      await gate.close();
    }
  });
