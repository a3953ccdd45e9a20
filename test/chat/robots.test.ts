/**
 * Posting to the group robots, against the local double of each platform's documented contract
 * (test/helpers/chat-double.ts names the pages): accepted and kept as sent, with 钉钉's and 飞书's
 * signatures checked; a wrong key, a wrong secret and content over the size refused for good with
 * the platform's code; the per-robot rate limit answered as throttled with the platform's wait;
 * an unreachable host as failed (tried again).
 */
import { postToRobot, robotHosts, type RobotHosts } from '../../activities/chat/robots';
import { chinaCalendar } from '../../domain/calendar-data';
import { chatBody } from '../../domain/chat/payload';
import type { ChatChannel, SecretRef } from '../../domain/chat/platforms';
import { chatNotice } from '../../domain/chat/render';
import type { RenderContext } from '../../domain/email/render';
import { startChatDouble, type ChatDouble } from '../helpers/chat-double';
import { testNotice } from '../helpers/notices';
import { freePort } from '../helpers/temporal';

const SECRETS: Record<string, string> = {
  WECOM_KEY: 'wecom-key-1',
  DT_TOKEN: 'dingtalk-token-1',
  DT_SECRET: 'SECdingtalk-secret',
  FS_HOOK: 'feishu-hook-1',
  FS_SECRET: 'feishu-secret',
};
const secret = (ref: SecretRef) => ('env' in ref ? SECRETS[ref.env] : '');
const CHANNELS: ChatChannel[] = [
  { platform: 'wecom', key: { env: 'WECOM_KEY' } },
  { platform: 'dingtalk', token: { env: 'DT_TOKEN' }, secret: { env: 'DT_SECRET' }, mentionMobiles: ['13800000000'] },
  { platform: 'feishu', hook: { env: 'FS_HOOK' }, secret: { env: 'FS_SECRET' } },
];
const ctx: RenderContext = {
  recipient: { email: 'fgw@district.example.org', name: '区发改委', audience: 'leadUnit' },
  office: { name: '区委巡察办', emails: ['xunchaban@district.example.org'] },
  now: Date.parse('2024-10-09T09:00:00+08:00'),
  calendar: chinaCalendar(),
  timeZone: 'Asia/Shanghai',
};
const bodyFor = (c: ChatChannel) => chatBody(c, chatNotice(testNotice({ kind: 'reminder', workdaysBefore: 5 }), ctx, c.platform));

describe('the group robots, against their documented contracts', () => {
  let double: ChatDouble;
  let hosts: RobotHosts;
  let clock = Date.now();
  beforeEach(async () => {
    clock = Date.now();
    double = await startChatDouble(
      [
        { platform: 'wecom', key: 'wecom-key-1' },
        { platform: 'dingtalk', key: 'dingtalk-token-1', secret: 'SECdingtalk-secret' },
        { platform: 'feishu', key: 'feishu-hook-1', secret: 'feishu-secret' },
      ],
      { now: () => clock },
    );
    hosts = robotHosts({ RECTIFY_CHAT_WECOM_URL: double.url, RECTIFY_CHAT_DINGTALK_URL: double.url, RECTIFY_CHAT_FEISHU_URL: double.url });
  });
  afterEach(() => double.close());

  it.each(CHANNELS)('$platform: accepted, signed where the robot signs, kept as sent', async (channel) => {
    const body = bodyFor(channel);
    expect(await postToRobot(channel, body, secret, hosts, clock)).toEqual({ outcome: 'accepted' });
    expect(double.accepted).toEqual([{ platform: channel.platform, key: expect.any(String), body, at: clock }]);
  });

  it('refuses a wrong key, a wrong secret and a stale signature, each with the platform’s code', async () => {
    const wrong = (ref: SecretRef) => ('env' in ref && /KEY|TOKEN|HOOK/.test(ref.env) ? 'no-such-robot' : secret(ref));
    const codes = [];
    for (const c of CHANNELS) codes.push(await postToRobot(c, bodyFor(c), wrong, hosts, clock));
    expect(codes).toEqual([
      { outcome: 'refused', code: '93000', message: expect.stringContaining('invalid webhook url') },
      { outcome: 'refused', code: '400101', message: 'access_token不存在' },
      { outcome: 'refused', code: '19001', message: expect.stringContaining('access token invalid') },
    ]);
    const badSecret = (ref: SecretRef) => ('env' in ref && /SECRET/.test(ref.env) ? 'not-the-secret' : secret(ref));
    expect(await postToRobot(CHANNELS[1], bodyFor(CHANNELS[1]), badSecret, hosts, clock)).toMatchObject({
      outcome: 'refused',
      message: 'sign not match',
    });
    expect(await postToRobot(CHANNELS[2], bodyFor(CHANNELS[2]), badSecret, hosts, clock)).toMatchObject({
      outcome: 'refused',
      code: '19021',
    });
    // Signed two hours ago (this machine's clock wrong): 钉钉 says invalid timestamp, tried again once the clock is right.
    expect(await postToRobot(CHANNELS[1], bodyFor(CHANNELS[1]), secret, hosts, clock - 2 * 3_600_000)).toMatchObject({
      outcome: 'failed',
      message: 'invalid timestamp',
    });
    expect(double.accepted).toEqual([]);
  });

  it('refuses content over the platform’s size for good (the renderer keeps within it)', async () => {
    const big = { msgtype: 'markdown', markdown: { content: '超'.repeat(1400) } }; // 4,200 bytes
    expect(await postToRobot(CHANNELS[0], big, secret, hosts, clock)).toMatchObject({ outcome: 'refused', code: '40058' });
    const dtBig = { msgtype: 'markdown', markdown: { title: 't', text: '超'.repeat(7000) } };
    expect(await postToRobot(CHANNELS[1], dtBig, secret, hosts, clock)).toMatchObject({ outcome: 'refused', code: '460101' });
  });

  it('answers the 21st post in a minute as throttled, with the platform’s wait; 钉钉 stays throttled for ten minutes', async () => {
    for (const c of CHANNELS.slice(0, 2)) {
      const answers = [];
      for (let i = 0; i < 21; i++) answers.push((await postToRobot(c, bodyFor(c), secret, hosts, clock)).outcome);
      expect(answers.filter((a) => a === 'accepted').length).toBe(20);
      expect(answers[20]).toBe('throttled');
    }
    expect(await postToRobot(CHANNELS[0], bodyFor(CHANNELS[0]), secret, hosts, clock)).toMatchObject({
      outcome: 'throttled',
      waitMs: 60_000,
    });
    clock += 61_000;
    expect((await postToRobot(CHANNELS[0], bodyFor(CHANNELS[0]), secret, hosts, clock)).outcome).toBe('accepted');
    expect(await postToRobot(CHANNELS[1], bodyFor(CHANNELS[1]), secret, hosts, clock)).toMatchObject({
      outcome: 'throttled',
      waitMs: 600_000,
    });
    clock += 540_000;
    expect((await postToRobot(CHANNELS[1], bodyFor(CHANNELS[1]), secret, hosts, clock)).outcome).toBe('accepted');
    // 飞书: five a second.
    const fs = [];
    for (let i = 0; i < 6; i++) fs.push((await postToRobot(CHANNELS[2], bodyFor(CHANNELS[2]), secret, hosts, clock)).outcome);
    expect(fs).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'throttled']);
  });

  it('calls an unreachable host failed: tried again later', async () => {
    const gone = `http://127.0.0.1:${await freePort()}`;
    const answer = await postToRobot(CHANNELS[0], bodyFor(CHANNELS[0]), secret, { ...hosts, wecom: gone }, clock, 2000);
    expect(answer).toMatchObject({ outcome: 'failed', code: 'network' });
  });
});
