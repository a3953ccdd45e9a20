/**
 * A worker killed (SIGKILL) mid-burst: started again on the same machine (with the units' group
 * robots), or with a second machine carrying on alone. At most KILL_WINDOW mails sent twice, none
 * lost; a post repeated only where it was under way at the kill.
 */
import { seconds } from '../lib/results';
import { setUpBurst, watchMorning } from '../lib/morning';
import { KILL_WINDOW, killMidBurst, onStage, ROBOT_ANSWER_MS, ROBOT_RECORD_MS, type Scenario } from './stage';
import { judge, judgeRobots, morningFigures, postsUnderWay, sendHistories } from './verdict';
import { option, textOption } from '../lib/args';
import { burstChannels, fillQuotas, robotFigures, robotsToThrottle, throttlePlatforms, watchRobots } from '../lib/robots';

/**
 * kill -9 the worker as the burst's first mail is accepted; start it again on the same machine (var
 * dir). Every unit has a group robot on the double (企业微信, 钉钉, 飞书 in turn), the platforms
 * answering ROBOT_ANSWER_MS after they take a post, and --throttled (10) of them (企业微信's, or
 * --throttle's platforms) at their rate limit as the burst begins: each unit's group gets its digest once, or twice only where that
 * post was under way at the kill (postsUnderWay).
 */
export const killWorker: Scenario = (argv) =>
  // Each message is held 300 ms before its 250, so the burst lasts seconds and the kill lands inside it.
  onStage('fault-kill', argv, { measures: 2000, units: 50, delayMs: 300, robots: true }, async (stage) => {
    const robots = stage.robots!;
    const a = await stage.worker('machine-a');
    const burst = await setUpBurst(stage.client, { ...stage, channels: burstChannels(robots.list) });
    const throttled = robotsToThrottle(robots.list, option(argv, 'throttled', 10), throttlePlatforms(textOption(argv, 'throttle')));
    await fillQuotas(robots.double.url, throttled, burst.T.toMillis());
    const kill = await killMidBurst(stage, burst, a, argv);
    const underWay = postsUnderWay(robots.double, robots.list, kill.actAt, ROBOT_RECORD_MS);
    await stage.worker('machine-a');
    const restartedAt = Date.now() - burst.T.toMillis();
    const morning = await watchMorning(stage.smtp.accepted, burst, burst.T.toMillis() + 10 * 60_000);
    const chat = await watchRobots(robots.double, robots.list, burst.plan, burst.T.toMillis(), burst.T.toMillis() + 15 * 60_000);
    for (const line of chat.repeatedAt) console.log(`  posted twice: ${line}`);
    return {
      scenario: 'kill-worker',
      did:
        `${kill.said}; restarted on the same machine ${seconds(restartedAt)} s after. ` +
        `Each unit with a group robot (企业微信, 钉钉, 飞书 in turn; answers ${ROBOT_ANSWER_MS} ms after taking a post), ` +
        `${throttled.length} at their rate limit at T; ${underWay.length} post(s) under way at the kill`,
      figures: {
        ...kill.figures,
        restartedSeconds: seconds(restartedAt),
        ...morningFigures(morning),
        robots: { robotAnswerMs: ROBOT_ANSWER_MS, underWayAtKill: underWay.map((u) => `单位${u}`), ...robotFigures(chat, stage.measures) },
      },
      failures: [...judge(morning, KILL_WINDOW), ...judgeRobots(chat, underWay)],
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
