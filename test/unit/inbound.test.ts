/**
 * Replies by mail, the pure part: the signed reply address (round trip, any case, tampering, a
 * unit that did not lead the measure then, expiry, key rotation), automatic mail, what a reply
 * asks, the new text once the quoted history is gone (the reply parser and the Chinese clients'
 * headers), and the answers' words.
 */
import EmailReplyParser from 'email-reply-parser';
import {
  acceptedWords,
  automaticReason,
  bareSubject,
  inboundAnswer,
  refusalWords,
  replyIntent,
  replyText,
} from '../../domain/email/inbound';
import { parseReplyAddress, replyAddress, verifyReply } from '../../domain/email/reply-address';

const KEYS = { current: 'k'.repeat(32), old: [] as string[] };
const ISSUED = Date.parse('2027-03-01T01:00:00Z');
const CLAIMS = { planId: 'liangxi-2023', measureId: '12.3', issuedAt: ISSUED };
const LEADS = [{ unit: '区发改委', from: Date.parse('2027-01-01T00:00:00Z') }];
const DAY = 86_400_000;

describe('reply address', () => {
  const address = replyAddress(CLAIMS, '区发改委', KEYS.current, 'Reply.Example.org');

  it('names the measure and its issue time in lowercase, within 64 characters before the @', () => {
    expect(address).toMatch(/^reply\+liangxi-2023\.12\.3\.[0-9a-z]+\.[a-z2-7]{16}@reply\.example\.org$/);
    expect(address.indexOf('@')).toBeLessThanOrEqual(64);
    expect(parseReplyAddress(address, 'reply.example.org')).toMatchObject(CLAIMS);
    expect(parseReplyAddress(address.toUpperCase(), 'REPLY.example.org')).toMatchObject(CLAIMS);
  });

  it('is verified for the unit that led the measure when the notice was decided', () => {
    const p = parseReplyAddress(address, 'reply.example.org')!;
    expect(verifyReply(p, LEADS, KEYS, ISSUED + DAY, 30)).toEqual({ ok: true, unit: '区发改委' });
    // Reassigned later: still the old unit's (the handler says it was superseded).
    const moved = [
      { unit: '区发改委', from: LEADS[0].from, until: ISSUED + DAY },
      { unit: '区财政局', from: ISSUED + DAY },
    ];
    expect(verifyReply(p, moved, KEYS, ISSUED + 2 * DAY, 30)).toEqual({ ok: true, unit: '区发改委' });
    // Signed for a unit that did not lead it then.
    const other = parseReplyAddress(replyAddress(CLAIMS, '区财政局', KEYS.current, 'reply.example.org'), 'reply.example.org')!;
    expect(verifyReply(other, LEADS, KEYS, ISSUED + DAY, 30)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a changed measure, issue time or signature, another domain, and an old address', () => {
    const at = address.indexOf('@');
    const local = address.slice(0, at);
    const changed = [
      local.replace('.12.3.', '.12.4.'),
      local.replace(/\.([0-9a-z]+)\.([a-z2-7]{16})$/, (_m, t: string, s: string) => `.${(parseInt(t, 36) + 1).toString(36)}.${s}`),
      local.slice(0, -1) + (local.endsWith('a') ? 'b' : 'a'),
    ];
    for (const c of changed) {
      const p = parseReplyAddress(`${c}@reply.example.org`, 'reply.example.org')!;
      expect(p).toBeDefined();
      expect(verifyReply(p, LEADS, KEYS, ISSUED + DAY, 30)).toEqual({ ok: false, reason: 'signature' });
    }
    expect(parseReplyAddress(address, 'example.org')).toBeUndefined();
    for (const bad of ['reply+x@reply.example.org', 'noreply@reply.example.org', 'reply+a.b.c.d.e@reply.example.org', ''])
      expect(parseReplyAddress(bad, 'reply.example.org')).toBeUndefined();
    const p = parseReplyAddress(address, 'reply.example.org')!;
    expect(verifyReply(p, LEADS, KEYS, ISSUED + 30 * DAY, 30)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is accepted under an old key after rotation, and not under an unknown one', () => {
    const p = parseReplyAddress(address, 'reply.example.org')!;
    expect(verifyReply(p, LEADS, { current: 'n'.repeat(32), old: [KEYS.current] }, ISSUED, 30)).toMatchObject({ ok: true });
    expect(verifyReply(p, LEADS, { current: 'n'.repeat(32), old: [] }, ISSUED, 30)).toMatchObject({ ok: false });
  });
});

describe('automatic mail', () => {
  const person = { envelopeFrom: 'fgw@district.example.org', subject: '回复：【催办】健全政策机制' };
  it('a person’s reply is not automatic', () => expect(automaticReason(person)).toBeUndefined());
  it.each([
    [{ envelopeFrom: '' }, 'null sender'],
    [{ autoSubmitted: 'auto-replied' }, 'Auto-Submitted: auto-replied'],
    [{ autoSubmitted: 'auto-generated' }, 'Auto-Submitted: auto-generated'],
    [{ xAutoreply: 'yes' }, 'X-Autoreply'],
    [{ precedence: 'bulk' }, 'Precedence: bulk'],
    [{ contentType: 'multipart/report; report-type=delivery-status' }, 'multipart/report'],
    [{ subject: '自动回复：【催办】健全政策机制' }, 'subject: 自动回复：【催办】健全政策机制'],
    [{ subject: 'Automatic reply: 【催办】' }, 'subject: Automatic reply: 【催办】'],
    [{ subject: 'Undeliverable: 【催办】' }, 'subject: Undeliverable: 【催办】'],
    [{ subject: '系统退信' }, 'subject: 系统退信'],
  ])('%j is automatic', (h, why) => expect(automaticReason({ ...person, ...h })).toBe(why));
  it('Auto-Submitted: no is a person', () => expect(automaticReason({ ...person, autoSubmitted: 'no' })).toBeUndefined());
});

describe('what a reply asks', () => {
  it('reads the subject without reply prefixes', () => {
    expect(bareSubject('Re: 回复：RE：答复: 【催办】健全政策机制')).toBe('【催办】健全政策机制');
    expect(bareSubject('Fwd: 转发：已完成')).toBe('已完成');
  });
  it('a completion when its subject or first line says so and it has a file; else progress', () => {
    expect(replyIntent('已完成', '见附件', 1)).toEqual({ kind: 'completion' });
    expect(replyIntent('回复：【催办】健全政策机制', '\n申请销号。材料见附件', 2)).toEqual({ kind: 'completion' });
    expect(replyIntent('Re: 【已完成】', '', 1)).toEqual({ kind: 'completion' });
    expect(replyIntent('已完成', '见附件', 0)).toEqual({ kind: 'progress', completionWithoutFiles: true });
    expect(replyIntent('回复：【提醒】', '进展顺利，尚未完成', 1)).toEqual({ kind: 'progress', completionWithoutFiles: false });
    expect(replyIntent('回复：【提醒】', '已完成政策调研，正在起草实施意见。', 1)).toEqual({
      kind: 'progress',
      completionWithoutFiles: false,
    });
    expect(replyIntent('已完成整改任务的一半', '', 1)).toEqual({ kind: 'progress', completionWithoutFiles: false });
  });
});

describe('the new text of a reply', () => {
  const parse = (t: string) => replyText(new EmailReplyParser().parseReply(t));
  it('drops the quoted history under the reply headers clients write', () => {
    const cases = [
      '已起草实施意见。\n\n在 2027年3月1日 09:00，区委巡察办 <x@example.org> 写道：\n> 请加快进度\n',
      '已起草实施意见。\n\n-----原始邮件-----\n发件人: 区委巡察办\n发送时间: 2027年3月1日\n请加快进度\n',
      '已起草实施意见。\n\n------------------ 原始邮件 ------------------\n发件人: "区委巡察办"<x@example.org>;\n请加快进度\n',
      '已起草实施意见。\n\n发件人: 区委巡察办 <x@example.org>\n发送时间: 2027年3月1日 9:00\n收件人: 区发改委\n主题: 【催办】\n\n请加快进度\n',
      '已起草实施意见。\n\nOn Mon, Mar 1, 2027 at 9:00 AM 区委巡察办 <x@example.org> wrote:\n> 请加快进度\n',
    ];
    for (const c of cases) expect(parse(c)).toBe('已起草实施意见。');
  });
  it('keeps a reply of several paragraphs whole', () => expect(parse('第一段。\n\n第二段。\n')).toBe('第一段。\n\n第二段。'));
});

describe('answers', () => {
  const office = { name: '区委巡察办', emails: ['xunchaban@district.example.org'], phone: '0510-0000 0000' };
  it('a refusal says why, that nothing changed, whom to ask, and is signed with its year', () => {
    const a = inboundAnswer({
      to: '您好',
      subject: 'Re: 【催办】健全政策机制',
      lines: [refusalWords({ reason: 'stranger', sender: 'x@elsewhere.example.org', unit: '区发改委' })],
      refused: true,
      office,
      today: '2027-03-01',
    });
    expect(a.subject).toBe('【回复未受理】【催办】健全政策机制');
    expect(a.text).toContain('发件地址x@elsewhere.example.org不是区发改委在整改计划通讯录中登记的邮箱。');
    expect(a.text).toContain('本次回复未作任何更改。');
    expect(a.text).toContain('如有疑问，请联系区委巡察办，电话：0510-0000 0000；邮箱：xunchaban@district.example.org。');
    expect(a.text).toContain('2027年3月1日');
  });
  it('every refusal reads in full-width punctuation and ends a sentence', () => {
    const all = [
      refusalWords({ reason: 'address' }),
      refusalWords({ reason: 'expired', days: 30 }),
      refusalWords({ reason: 'gone' }),
      refusalWords({ reason: 'closed' }),
      refusalWords({ reason: 'withdrawn' }),
      refusalWords({ reason: 'reassigned', leadUnit: '区财政局' }),
      refusalWords({ reason: 'empty' }),
    ];
    for (const w of all) {
      expect(w).toMatch(/。$/);
      expect(w).not.toMatch(/[,;:()!?]/);
    }
    expect(refusalWords({ reason: 'request', message: '请求被拒绝：措施当前状态为“待核验”，不能提交整改完成' })).toBe(
      '措施当前状态为“待核验”，不能提交整改完成。',
    );
    expect(refusalWords({ reason: 'file', message: '“a.exe”的类型不在允许之列' })).toBe('附件未被接受：“a.exe”的类型不在允许之列。');
  });
  it('what a reply became', () => {
    const m = { id: '1.1', title: '健全政策机制' };
    expect(acceptedWords({ kind: 'progress', files: 0, completionWithoutFiles: true }, m)).toEqual([
      '贵单位的回复已记为措施1.1“健全政策机制”的进展报送。',
      '如申请销号，请在回复中附上佐证材料（首行写“已完成”或“申请销号”）。',
    ]);
    expect(acceptedWords({ kind: 'completion', files: 2 }, m)[0]).toBe(
      '贵单位的回复已作为措施1.1“健全政策机制”的整改完成提交巡察办核验，佐证材料2份。核验结果将另行通知，核验通过后销号。',
    );
  });
});
