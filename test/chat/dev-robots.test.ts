/**
 * `rectify dev`'s group robots (client/dev-robots.ts): the sample plan's three robots (企业微信, 钉钉
 * with 加签, 飞书 with 签名校验) reach the local double, with example secrets set only where the
 * operator set none; a post the worker's own client makes is taken, logged and listed at GET / by
 * whose robot it is, never its key; `rectify doctor` reads what dev set while it runs; a platform
 * whose URL the operator set is left to it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postToRobot, robotHosts } from '../../activities/chat/robots';
import { checkPlans } from '../../client/checks';
import { SAMPLE_PLAN } from '../../client/cli/common';
import { devRobotsEnv, startDevRobots } from '../../client/dev-robots';
import { readSecret } from '../../config/chat-secrets';
import { loadPlan } from '../../config/plan-files';
import { chatBody } from '../../domain/chat/payload';
import { directoryChannels } from '../../domain/chat/platforms';

const { plan } = loadPlan(SAMPLE_PLAN);
const channel = (unit: string) => directoryChannels(plan.directory).find((c) => c.owner === unit)!.channel;

describe('rectify dev’s group robots', () => {
  it('points the sample plan’s three robots at the double with example secrets, and lists what it took by robot', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'rectify-dev-robots-'));
    const env: NodeJS.ProcessEnv = {};
    const logged: string[] = [];
    const robots = await startDevRobots(plan, varDir, env, (l) => logged.push(l));
    try {
      const url = env.RECTIFY_CHAT_WECOM_URL!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect([env.RECTIFY_CHAT_DINGTALK_URL, env.RECTIFY_CHAT_FEISHU_URL]).toEqual([url, url]);
      expect(env.LIANGXI_WECOM_KEY_FGW).toBe('example-liangxi-wecom-key-fgw');
      expect(env.LIANGXI_DINGTALK_SECRET_CZJ).toBe('example-liangxi-dingtalk-secret-czj');
      expect(robots.lines[0]).toBe(
        `群机器人替身：${url}（企业微信、钉钉、飞书的群机器人都发到这里，不发往真实群聊；收到的消息：curl ${url}/ ，每条也记在下面）`,
      );
      expect(robots.lines[1]).toBe('  替身上的群机器人：区发改委的企业微信群机器人、区财政局的钉钉群机器人、区住建局的飞书群机器人');

      // As the worker posts: its hosts and secrets read from the environment dev set, each platform's body.
      for (const [unit, title] of [
        ['区发改委', '【催办】措施2.2'],
        ['区财政局', '【催办】措施5.1'],
        ['区住建局', '【催办】措施27.1'],
      ]) {
        const body = chatBody(channel(unit), { title, markdown: '请加快进度', omitted: 0, alarm: true });
        const answer = await postToRobot(channel(unit), body, (ref) => readSecret(ref, env), robotHosts(env));
        expect([unit, answer]).toEqual([unit, { outcome: 'accepted' }]);
      }
      const listing = (await (await fetch(`${url}/`)).json()) as { accepted: { robot: string; title: string }[]; answers: object };
      expect(listing.accepted.map((p) => [p.robot, p.title])).toEqual([
        ['区发改委的企业微信群机器人', '【催办】措施2.2'],
        ['区财政局的钉钉群机器人', '【催办】措施5.1'],
        ['区住建局的飞书群机器人', '【催办】措施27.1'],
      ]);
      expect(JSON.stringify(listing)).not.toContain('example-liangxi');
      expect(logged).toEqual([
        '群机器人替身收到：区发改委的企业微信群机器人：【催办】措施2.2',
        '群机器人替身收到：区财政局的钉钉群机器人：【催办】措施5.1',
        '群机器人替身收到：区住建局的飞书群机器人：【催办】措施27.1',
      ]);

      // rectify doctor, in another terminal, reads what dev set for its worker; without it the secrets are unset here.
      expect(devRobotsEnv(varDir)).toMatchObject({
        RECTIFY_CHAT_FEISHU_URL: url,
        LIANGXI_FEISHU_HOOK_ZJJ: 'example-liangxi-feishu-hook-zjj',
      });
      expect(checkPlans([SAMPLE_PLAN], { ...devRobotsEnv(varDir) })[0]).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('3个群机器人'),
      });
      expect(checkPlans([SAMPLE_PLAN], {})[0]).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('env:LIANGXI_WECOM_KEY_FGW'),
      });
    } finally {
      await robots.close();
    }
    expect(devRobotsEnv(varDir)).toEqual({});
  });

  it('leaves a platform whose URL the operator set to it, and never replaces a secret the operator set', async () => {
    const varDir = mkdtempSync(join(tmpdir(), 'rectify-dev-robots-'));
    const env: NodeJS.ProcessEnv = { RECTIFY_CHAT_WECOM_URL: 'https://qyapi.weixin.qq.com', LIANGXI_DINGTALK_SECRET_CZJ: 'SECoperator' };
    const robots = await startDevRobots(plan, varDir, env, () => undefined);
    try {
      expect(env.RECTIFY_CHAT_WECOM_URL).toBe('https://qyapi.weixin.qq.com');
      expect(env.LIANGXI_WECOM_KEY_FGW).toBeUndefined();
      expect(env.LIANGXI_DINGTALK_SECRET_CZJ).toBe('SECoperator');
      expect(robots.lines).toContain('  企业微信按 RECTIFY_CHAT_WECOM_URL 发送');
      expect(robots.lines[0]).toContain('（钉钉、飞书的群机器人都发到这里');
      // Signed with the operator's secret, the double takes it: it was registered with that secret.
      const answer = await postToRobot(
        channel('区财政局'),
        chatBody(channel('区财政局'), { title: '演练', markdown: '演练', omitted: 0, alarm: false }),
        (ref) => readSecret(ref, env),
        robotHosts(env),
      );
      expect(answer).toEqual({ outcome: 'accepted' });
    } finally {
      await robots.close();
    }
  });
});
