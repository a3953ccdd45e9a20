/**
 * Issue 24's burst with robots: 2,000 final reminders for 50 lead units fall due at one instant on
 * a real dev server; every unit has a group robot on the robots' double (runtime/chat-double.ts:
 * 企业微信, 钉钉 with 加签 and 飞书 with 签名校验 in turn, each platform's documented rate limit),
 * four 企业微信 robots already at their limit of 20 a minute as the morning begins (the group's robot is
 * shared with other systems, which used this minute's quota); mail goes to a real SMTP server
 * (STARTTLS, AUTH); the `rectify worker` process is killed (SIGKILL) 150 ms after SMTP's first
 * acceptance and started again on the same machine. Each unit's group gets its morning digest
 * once: the throttled robots after the platform's wait, none twice beyond the posts under way at
 * the kill (bench/faults/verdict.ts postsUnderWay), and no notice lost from the mail.
 * RECTIFY_TEST_BURST=<measures>x<units> runs another size (2000x50 by default: 267 s on two
 * cores, the start of 2,000 measures until T, then the kill's 30 s and 企业微信's minute).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { judge, judgeRobots, postsUnderWay } from '../../bench/faults/verdict';
import { KILL_WINDOW } from '../../bench/faults/stage';
import { sleep, spawnWorker, type WorkerProcess } from '../../bench/lib/harness';
import { MorningReader, setUpBurst, type Burst, type MorningMail } from '../../bench/lib/morning';
import {
  burstChannels,
  burstRobots,
  fillQuotas,
  readRobotMorning,
  robotsToThrottle,
  robotWorkerEnv,
  startRobotDouble,
  watchRobots,
  type RobotMorning,
} from '../../bench/lib/robots';
import { postTitle, type ChatDouble } from '../../runtime/chat-double';
import { THROTTLE_WAIT_MS } from '../../activities/chat/robots';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testTemporal, type TestTemporal } from '../helpers/temporal';

const ROOT = resolve(__dirname, '..', '..');
const [MEASURES, UNITS] = (process.env.RECTIFY_TEST_BURST ?? '2000x50').split('x').map(Number);

describe('a morning burst with a group robot per unit, through a rate limit and a worker killed mid-burst', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-chat-burst-'));
  const robots = burstRobots(UNITS);
  // 企业微信's: at its limit until about T + 58 s, past any first post of the morning, even one retried after the kill.
  const throttled = robotsToThrottle(robots, 4, ['wecom']);
  let temporal: TestTemporal;
  let smtp: TestSmtp;
  let double: ChatDouble;
  const workers: WorkerProcess[] = [];
  let burst: Burst;
  let chat: RobotMorning;
  let mail: MorningMail;
  let underWay: number[];
  let kill: { acceptedBefore: number; acceptedAtKill: number; at: number };

  beforeAll(async () => {
    temporal = await testTemporal(dir);
    smtp = await startTestSmtp();
    double = await startRobotDouble(robots);
    const ca = join(dir, 'smtp-ca.pem');
    writeFileSync(ca, smtp.ca);
    const env = {
      SMTP_URL: smtp.url,
      SMTP_CA_FILE: ca,
      MAIL_FROM: '“区委巡察办 整改提醒”<rectify@bench.example.org>',
      SMTP_MAX_CONNECTIONS: '5',
      ...robotWorkerEnv(robots, double.url),
    };
    const machine = join(dir, 'machine-a');
    workers.push(await spawnWorker(temporal.address, machine, env, ROOT));
    burst = await setUpBurst(temporal.env.client, {
      measures: MEASURES,
      units: UNITS,
      channels: burstChannels(robots),
      // The start of 2,000 measures and their notices prepared: about 95 s on two cores (T is the minute after).
      leadSeconds: 30 + MEASURES / 20,
    });
    const T = burst.T.toMillis();
    // Other systems use four robots' quota for this minute, at T - 2 s.
    await fillQuotas(double.url, throttled, T);
    // Killed 150 ms after SMTP's first acceptance of the morning, started again on the same machine.
    await sleep(T - Date.now());
    const acceptedBefore = smtp.accepted.length;
    while (smtp.accepted.length === acceptedBefore) {
      if (Date.now() > T + 5 * 60_000) throw new Error('5分钟内没有任何邮件发出');
      await sleep(10);
    }
    await sleep(150);
    const at = Date.now();
    const acceptedAtKill = smtp.accepted.length - acceptedBefore;
    await workers[0].kill();
    kill = { acceptedBefore, acceptedAtKill, at };
    underWay = postsUnderWay(double, robots, at, 100);
    workers.push(await spawnWorker(temporal.address, machine, env, ROOT));
    // Every group has its post (the throttled ones after the platform's minute), then 10 s more for any repeated post.
    chat = await watchRobots(double, robots, burst.plan, T, T + 10 * 60_000, 10_000);
    const reader = new MorningReader(
      smtp.accepted.map((raw) => ({ at: T, raw })),
      T,
      burst.expected,
      acceptedBefore,
    );
    await reader.read();
    mail = reader.summary();
  }, 900_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await double?.close();
    await smtp?.close();
    await temporal?.teardown();
  });

  it('killed the worker mid-burst: some of the morning’s mail accepted, not all', () => {
    expect(kill.acceptedAtKill).toBeGreaterThan(0);
    expect(kill.acceptedAtKill).toBeLessThan(UNITS);
  });

  it('posts each unit’s digest to its robot once: its own notices, none twice beyond the posts under way at the kill', () => {
    expect([chat.none, chat.wrong]).toEqual([0, []]);
    expect(judgeRobots(chat, underWay)).toEqual([]);
    expect(chat.once + chat.twice).toBe(UNITS);
    expect(chat.repeated).toBeLessThanOrEqual(underWay.length);
    // Each post is the unit's digest of all its notices (as many as fit named, the rest counted).
    expect(readRobotMorning(double, robots, burst.plan, burst.T.toMillis()).wrong).toEqual([]);
  });

  it('goes through the rate limit: each robot at its limit is answered “throttled” and takes the digest after the platform’s wait', () => {
    expect(chat.throttledRobots).toBe(throttled.length);
    const T = burst.T.toMillis();
    for (const r of throttled) {
      const morning = double.accepted.filter((p) => p.key === r.key && !postTitle(p).startsWith('【其他系统】'));
      const throttles = double.answers.filter((a) => a.key === r.key && a.at >= T && a.code === 45009);
      expect([r.unit, morning.length, throttles.length > 0]).toEqual([r.unit, 1, true]);
      // It went the platform's wait after the first refusal (Temporal retries the send then).
      expect(morning[0].at - throttles[0].at).toBeGreaterThanOrEqual(THROTTLE_WAIT_MS.wecom - 1_000);
    }
  });

  it('loses no notice from the mail and sends none twice beyond the kill’s window', () => {
    expect(judge(mail, KILL_WINDOW)).toEqual([]);
    expect(mail.seen.size).toBe(MEASURES);
    expect(mail.digests).toBeGreaterThanOrEqual(UNITS);
  });
});
