/**
 * The fault suite loads with every scenario (each a module of its own under bench/faults/) and
 * says what it would run without running any: the scenarios themselves take many minutes and
 * real servers (`npm run faults`), and are never run by `npm test`.
 */
import { faults } from '../../bench/faults/suite';

describe('the fault suite', () => {
  it('lists its scenarios on -h or --help, in the order it runs them, and runs none', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      for (const flag of ['-h', '--help']) {
        log.mockClear();
        await expect(faults([flag])).resolves.toBe(0);
        expect(log.mock.calls.map((c) => String(c[0]))).toEqual([
          expect.stringMatching(
            /^usage: npm run faults .*\nscenarios: kill-worker, two-machines, smtp-down, server-restart, campaign-restart, upgrade, worker-first, server-kill, database-restart\nby default on the dev server: kill-worker, two-machines, smtp-down, server-restart, campaign-restart, upgrade, worker-first\nby default with --cluster: kill-worker, two-machines, server-kill, database-restart, worker-first$/,
          ),
        ]);
      }
    } finally {
      log.mockRestore();
    }
  });

  it('refuses a scenario it does not have, naming those it has, before starting anything', async () => {
    await expect(faults(['kill-wrker'])).rejects.toThrow(
      'unknown scenario kill-wrker: choose from kill-worker, two-machines, smtp-down, server-restart, campaign-restart, upgrade, worker-first, server-kill, database-restart',
    );
  });

  it("refuses the cluster's faults on the dev server, saying how to run them", async () => {
    delete process.env.BENCH_SERVER;
    await expect(faults(['server-kill'])).rejects.toThrow('server-kill 只在集群上运行：npm run faults -- --cluster server-kill');
    await expect(faults(['database-restart'])).rejects.toThrow('database-restart 只在集群上运行');
  });
});
