/**
 * Chat messages for the group robots, pure: the mail's headline and words in the markdown the
 * three platforms share, within each platform's size (the rest counted and left to the mail),
 * each platform's body and mentions, the signatures against the documentation's examples, and
 * the robots' secrets read only from where the plan says (never from the plan).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyAnswer, dingtalkSign, feishuSign } from '../../activities/chat/robots';
import { readSecret, unreadableSecrets } from '../../config/chat-secrets';
import { chinaCalendar } from '../../domain/calendar-data';
import { chatBody } from '../../domain/chat/payload';
import { chatDigest, chatNotice } from '../../domain/chat/render';
import type { RenderContext } from '../../domain/email/render';
import { parsePlanText } from '../../domain/plan/load';
import { testNotice } from '../helpers/notices';

const ctx: RenderContext = {
  recipient: { email: 'fgw@district.example.org', name: '区发改委', audience: 'leadUnit' },
  office: { name: '区委巡察办', emails: ['xunchaban@district.example.org'], phone: '0510-0000 0000' },
  now: Date.parse('2024-10-09T09:00:00+08:00'),
  calendar: chinaCalendar(),
  timeZone: 'Asia/Shanghai',
  links: { days: 30, of: () => [{ label: '报送进展', url: 'https://zg.example.org/u/drill-2024/1.1?t=abc', action: 'reportProgress' }] },
};
const reminder = testNotice({ kind: 'reminder', workdaysBefore: 5 });
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('a notice as a chat message', () => {
  it('carries the mail’s headline and words, the deadline and the signed link, in markdown', () => {
    const text = chatNotice(reminder, ctx, 'wecom');
    expect(text.title).toBe('【整改提醒】措施1.1“健全政策机制”（还剩5个工作日）');
    expect(text.markdown).toContain('**【黄灯】措施1.1“健全政策机制”**');
    expect(text.markdown).toContain('整改时限：2024年10月15日');
    expect(text.markdown).toContain('牵头单位：区发改委；负责区领导：区委常委、常务副区长');
    expect(text.markdown).toContain('[报送进展](https://zg.example.org/u/drill-2024/1.1?t=abc)');
    expect(text.omitted).toBe(0);
    expect(text.markdown).not.toMatch(/[\u4e00-\u9fa5] \d|\d [\u4e00-\u9fa5]/); // no stray spaces between Chinese and numbers
  });

  it('keeps a long digest within 企业微信’s 4,096 bytes, counting what it leaves to the mail; 钉钉 and 飞书 take more', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      testNotice(
        { kind: 'reminder', workdaysBefore: 5, stage: `s${i}` },
        { id: `1.${i + 1}`, title: `第${i + 1}项措施的标题较长需要多占一些字节` },
      ),
    );
    const wecom = chatDigest(many, ctx, 'wecom');
    const body = chatBody({ platform: 'wecom', key: { env: 'K' } }, wecom) as { markdown: { content: string } };
    expect(bytes(body.markdown.content)).toBeLessThanOrEqual(4096);
    expect(wecom.omitted).toBeGreaterThan(0);
    expect(wecom.markdown).toContain(`……另有${wecom.omitted}项，详见邮件。`);
    expect(wecom.title).toBe('【整改提醒汇总】2024年10月9日（周三）共60项：红0黄60绿0');
    const dingtalk = chatDigest(many, ctx, 'dingtalk');
    expect(dingtalk.omitted).toBeLessThan(wecom.omitted);
    expect(bytes(JSON.stringify(chatBody({ platform: 'dingtalk', token: { env: 'T' } }, dingtalk)))).toBeLessThanOrEqual(20_000);
  });

  it('writes each platform’s body, with mentions as each platform shows them', () => {
    const text = chatNotice(reminder, ctx, 'dingtalk');
    expect(chatBody({ platform: 'wecom', key: { env: 'K' }, mentionUserIds: ['zhangsan'] }, text)).toEqual({
      msgtype: 'markdown',
      markdown: { content: `### ${text.title}\n${text.markdown}\n<@zhangsan>` },
    });
    const ding = chatBody({ platform: 'dingtalk', token: { env: 'T' }, mentionMobiles: ['13800000000'] }, text) as {
      markdown: { title: string; text: string };
      at: unknown;
    };
    expect(ding.markdown.title).toBe(text.title);
    expect(ding.markdown.text.endsWith('@13800000000')).toBe(true); // a mention shows only when the text says it too
    expect(ding.at).toEqual({ atMobiles: ['13800000000'], atUserIds: [], isAtAll: false });
    const red = chatNotice(testNotice({ kind: 'overdue' }, { trafficLight: 'red' }), ctx, 'feishu');
    expect(chatBody({ platform: 'feishu', hook: { env: 'H' }, mentionUserIds: ['ou_1'] }, red)).toEqual({
      msg_type: 'interactive',
      card: {
        header: { title: { tag: 'plain_text', content: red.title }, template: 'red' },
        elements: [{ tag: 'div', text: { tag: 'lark_md', content: `${red.markdown}\n<at id=ou_1></at>` } }],
      },
    });
  });
});

describe('signatures, answers and secrets', () => {
  it('signs as the platforms’ documentation computes (钉钉 加签, 飞书 签名校验)', () => {
    expect(dingtalkSign(1599360473000, 'this is secret')).toBe('hXZTWifRGHclNuZSKxoXc//sh51SWfVfRIhcdeKs63I=');
    expect(dingtalkSign(100, 'demo')).toBe('Al3fIG80paFjFaF1GYFq01nD+HwK+W12x7pPHOz3pJo=');
    expect(feishuSign(1700000000, 'mysecret')).toBe('Jp33/xXhCipDEpjyHvEyc7mRSyXWHbNz6J8+C3qQKNo=');
    expect(feishuSign(100, 'demo')).toBe('jquNHnVOwmDRfw+vqTIrY5dooJAgi5EcRtLsQE4wfXg=');
  });

  it('reads each platform’s answer by its code: accepted, throttled, refused for good, or failed for now', () => {
    expect(classifyAnswer('wecom', 200, { errcode: 0, errmsg: 'ok' })).toEqual({ outcome: 'accepted' });
    expect(classifyAnswer('wecom', 200, { errcode: 45009, errmsg: 'api freq out of limit' })).toMatchObject({
      outcome: 'throttled',
      waitMs: 60_000,
    });
    expect(classifyAnswer('wecom', 200, { errcode: 93000, errmsg: 'invalid webhook url' })).toMatchObject({
      outcome: 'refused',
      code: '93000',
    });
    expect(classifyAnswer('dingtalk', 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })).toMatchObject({
      outcome: 'throttled',
      waitMs: 600_000,
    });
    expect(classifyAnswer('dingtalk', 200, { errcode: 310000, errmsg: 'sign not match' })).toMatchObject({ outcome: 'refused' });
    // The clock, not the configuration: tried again.
    expect(classifyAnswer('dingtalk', 200, { errcode: 310000, errmsg: 'invalid timestamp' })).toMatchObject({ outcome: 'failed' });
    expect(classifyAnswer('dingtalk', 200, { errcode: '0', errmsg: 'ok' })).toEqual({ outcome: 'accepted' });
    expect(classifyAnswer('feishu', 200, { code: 11232, msg: 'frequency limited' })).toMatchObject({ outcome: 'throttled' });
    expect(classifyAnswer('feishu', 400, { code: 9499, msg: 'too many request' })).toMatchObject({ outcome: 'throttled' });
    expect(classifyAnswer('feishu', 200, { code: 19021, msg: 'sign match fail' })).toMatchObject({ outcome: 'refused' });
    expect(classifyAnswer('feishu', 502, undefined)).toMatchObject({ outcome: 'failed', code: 'HTTP 502' });
    expect(classifyAnswer('wecom', 200, { errcode: -1, errmsg: 'system busy' })).toMatchObject({ outcome: 'failed' });
  });

  it('reads secrets from the environment or a file, naming a reference it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rectify-chat-'));
    writeFileSync(join(dir, 'key'), 'the-key\n');
    expect(readSecret({ env: 'WECOM_KEY_FGW' }, { WECOM_KEY_FGW: ' k1 ' })).toBe('k1');
    expect(readSecret({ file: join(dir, 'key') })).toBe('the-key');
    expect(() => readSecret({ env: 'WECOM_KEY_FGW' }, {})).toThrow('env:WECOM_KEY_FGW：环境变量未设置');
    expect(() => readSecret({ file: join(dir, 'absent') })).toThrow(`file:${join(dir, 'absent')}：无法读取（ENOENT）`);
    const directory = {
      units: [
        {
          name: '区发改委',
          emails: [],
          channels: [{ platform: 'dingtalk' as const, token: { env: 'DT_TOKEN' }, secret: { env: 'DT_SECRET' } }],
        },
      ],
      leaders: [],
      office: { name: '区委巡察办', emails: ['x@example.org'] },
      leadershipGroup: { name: '领导小组', emails: ['y@example.org'] },
    };
    expect(unreadableSecrets(directory, { DT_TOKEN: 't' })).toEqual([
      'directory.units[0].channels[0].secret（区发改委）：env:DT_SECRET：环境变量未设置',
    ]);
    expect(unreadableSecrets(directory, { DT_TOKEN: 't', DT_SECRET: 's' })).toEqual([]);
  });

  it('refuses a secret written into the plan file, saying where and how to name it instead', () => {
    const plan = {
      id: 'chat-2026',
      title: '演练',
      feedbackDate: '2026-11-02',
      directory: {
        units: [{ name: '区发改委', emails: ['fgw@district.example.org'], channels: [{ platform: 'wecom', key: 'a1b2c3' }] }],
        leaders: [{ role: '区委常委、常务副区长', email: 'ed@district.example.org' }],
        office: { name: '区委巡察办', emails: ['x@district.example.org'] },
        leadershipGroup: { name: '领导小组', emails: ['y@district.example.org'] },
      },
      problems: [{ no: 1, title: '问题' }],
      measures: [],
    };
    const { issues } = parsePlanText(JSON.stringify(plan, null, 2), 'plan.json');
    const literal = issues.find((i) => i.field.includes('channels'));
    expect(literal).toMatchObject({ file: 'plan.json', severity: 'error' });
    expect(literal!.line).toBe(
      JSON.stringify(plan, null, 2)
        .split('\n')
        .findIndex((l) => l.includes('"key": "a1b2c3"')) + 1,
    );
    const wrong = {
      ...plan,
      directory: { ...plan.directory, units: [{ name: '区发改委', emails: [], channels: [{ platform: 'slack', key: { env: 'K' } }] }] },
    };
    expect(
      parsePlanText(JSON.stringify(wrong), 'plan.json')
        .issues.map((i) => i.message)
        .join('\n'),
    ).toContain('平台应为 wecom | dingtalk | feishu');
    // Named by reference, it is accepted.
    const named = {
      ...plan,
      directory: {
        ...plan.directory,
        units: [
          { name: '区发改委', emails: ['fgw@district.example.org'], channels: [{ platform: 'wecom', key: { env: 'WECOM_KEY_FGW' } }] },
        ],
      },
    };
    // (The drill has no measures: that is the only error left.)
    expect(
      parsePlanText(JSON.stringify(named), 'plan.json')
        .issues.filter((i) => i.severity === 'error')
        .map((i) => i.field),
    ).toEqual(['measures']);
  });
});
