/**
 * Links in mails: a lead unit's mail carries one signed link per action it may take now, the
 * office's a link to the measure's page on its desk; nobody else's carries any.
 */
import { measurePageUrl, noticeLinks, noticeReplyAddress, type MailLinks } from '../../activities/mail/delivery';
import { parseReplyAddress } from '../../domain/email/reply-address';
import { chinaCalendar } from '../../domain/calendar-data';
import { renderDigest, renderNotice, type RenderContext } from '../../domain/email/render';
import { verifyLink } from '../../domain/links';
import { measureName, namedMeasureIds } from '../../domain/measure-words';
import type { Notice, NoticeAudience } from '../../domain/notice';
import { testNotice } from '../helpers/notices';

const LINKS: MailLinks = { baseUrl: 'https://zhenggai.example.org/', keys: { current: 'k'.repeat(40), old: [] }, days: 30 };
const ctx = (audience: NoticeAudience): RenderContext => ({
  recipient: { email: 'x@example.org', name: audience === 'leadUnit' ? '区发改委' : '某收件人', audience },
  office: { name: '区委巡察办', emails: ['xunchaban@example.org'], phone: '0510-0000 0000' },
  now: Date.parse('2024-10-09T09:00:00+08:00'),
  calendar: chinaCalendar(),
  timeZone: 'Asia/Shanghai',
  links: { days: LINKS.days, of: (n: Notice) => noticeLinks(n, LINKS) },
  desk: { of: (n: Notice) => measurePageUrl(LINKS.baseUrl, n.measure.planId, n.measure.id) },
});
const urls = (text: string) => [...text.matchAll(/https:\/\/zhenggai\.example\.org\/u\/\S+/g)].map((m) => m[0]);
const deskUrls = (text: string) => [...text.matchAll(/https:\/\/zhenggai\.example\.org\/measures\/\S+/g)].map((m) => m[0]);

describe('links in mails', () => {
  it('a lead unit’s reminder: progress, completion, extension, each signed for this measure, unit and deadline version', () => {
    const n = testNotice();
    const mail = renderNotice(n, ctx('leadUnit'));
    const found = urls(mail.text);
    expect(found.map((u) => new URL(u).searchParams.get('do'))).toEqual(['progress', 'completion', 'extension']);
    const token = new URL(found[0]).searchParams.get('t');
    const v = verifyLink(token, LINKS.keys, Date.parse(n.decidedAt));
    expect(v).toEqual({
      ok: true,
      claims: {
        planId: 'drill-2024',
        measureId: '1.1',
        unit: '区发改委',
        actions: ['reportProgress', 'submitCompletion', 'requestExtension'],
        deadlineVersion: 1,
        expiresAt: Date.parse(n.decidedAt) + 30 * 86_400_000,
        issuedAt: Date.parse(n.decidedAt),
      },
    });
    expect(mail.text).toContain('链接30天内有效');
    // The HTML carries the same addresses, escaped for an attribute.
    for (const u of found) expect(mail.html).toContain(`href="${u.replace(/&/g, '&amp;')}"`);
  });

  it('the same notice renders the same links (a retried send is the same mail)', () => {
    expect(renderNotice(testNotice(), ctx('leadUnit')).text).toBe(renderNotice(testNotice(), ctx('leadUnit')).text);
  });

  it.each(['leader', 'office', 'leadershipGroup', 'previousLeadUnit'] as NoticeAudience[])('no signed links for %s', (audience) => {
    expect(urls(renderNotice(testNotice(), ctx(audience)).text)).toEqual([]);
  });

  it('a submitted measure: progress only; a closed one or a long-term one without a deadline: what applies', () => {
    const submitted = renderNotice(testNotice({ kind: 'verification-result' }, { status: 'submitted' }), ctx('leadUnit'));
    expect(urls(submitted.text).map((u) => new URL(u).searchParams.get('do'))).toEqual(['progress']);
    const closed = renderNotice(testNotice({ kind: 'verification-result' }, { status: 'closed' }), ctx('leadUnit'));
    expect(urls(closed.text)).toEqual([]);
    expect(closed.text).not.toContain('在线办理');
    const longterm = renderNotice(testNotice({}, { kind: 'longterm', deadline: undefined }), ctx('leadUnit'));
    expect(urls(longterm.text).map((u) => new URL(u).searchParams.get('do'))).toEqual(['progress']);
  });

  it('a digest: each measure with its own links', () => {
    const a = testNotice();
    const b = testNotice({}, { id: '1.2', title: '全力稳定外资' });
    const mail = renderDigest([a, b], ctx('leadUnit'));
    const measures = urls(mail.text).map((u) => decodeURIComponent(new URL(u).pathname));
    expect(measures).toEqual([...Array(3).fill('/u/drill-2024/1.1'), ...Array(3).fill('/u/drill-2024/1.2')]);
  });

  it('with a reply domain, a unit’s mail about one measure says to reply to it; a digest gives each item its own address', () => {
    const replies: MailLinks = { ...LINKS, replyDomain: 'reply.example.org' };
    const withReplies = (audience: NoticeAudience): RenderContext => ({
      ...ctx(audience),
      links: { days: 30, of: (n: Notice) => noticeLinks(n, replies), reply: (n: Notice) => noticeReplyAddress(n, replies) },
    });
    const addresses = (text: string) => [...text.matchAll(/邮件报送：(\S+)/g)].map((m) => parseReplyAddress(m[1], 'reply.example.org'));
    const a = testNotice();
    const b = testNotice({}, { id: '1.2', title: '全力稳定外资' });
    const one = renderNotice(a, withReplies('leadUnit'));
    expect(addresses(one.text)).toEqual([
      { planId: 'drill-2024', measureId: '1.1', issuedAt: Date.parse(a.decidedAt), signature: expect.any(String) },
    ]);
    expect(one.text).toContain('直接回复本邮件即记为本措施的进展报送（只取新写的正文，附件作为佐证材料）；');
    expect(one.html).toMatch(/<a href="mailto:reply\+drill-2024\.1\.1\.[0-9a-z]+\.[a-z2-7]{16}@reply\.example\.org"/);
    const two = renderDigest([a, b], withReplies('leadUnit'));
    expect(addresses(two.text).map((x) => x?.measureId)).toEqual(['1.1', '1.2']);
    expect(two.text).toContain('写信至上述地址即记为本措施的进展报送');
    expect(two.text).not.toContain('直接回复本邮件');
    // Nobody but the lead unit, and no unit of a closed measure, gets one.
    expect(renderNotice(a, withReplies('office')).text).not.toContain('邮件报送');
    expect(renderNotice(testNotice({ kind: 'verification-result' }, { status: 'closed' }), withReplies('leadUnit')).text).not.toContain(
      '邮件报送',
    );
    // Without a reply domain, none.
    expect(renderNotice(a, ctx('leadUnit')).text).not.toContain('邮件报送');
  });

  it('beside the online 申请延期 link, a reminder says to apply through it; without one, in writing', () => {
    const online = renderNotice(testNotice(), ctx('leadUnit')).text;
    expect(online).toContain('确需延期的，请在到期前通过下方“申请延期”链接提出申请，说明理由和拟完成时间。');
    expect(online).not.toContain('书面申请');
    expect(online).toMatch(/申请延期：https:\/\/zhenggai\.example\.org\/u\/\S+do=extension/);
    // An extension already asked for: no 申请延期 link, so no sentence pointing to one.
    const pending = renderNotice(testNotice({}, { id: '1.2' }), { ...ctx('leadUnit'), links: { days: 30, of: () => [] } }).text;
    expect(pending).toContain('确需延期的，请在到期前向区委巡察办提出书面申请，说明理由和拟完成时间。');
    expect(pending).not.toContain('链接提出申请');
  });

  it('the office’s mail links to the measure’s page on the desk, where it acts: 待核验, 延期申请, 回头看, its digests', () => {
    const submitted = testNotice({
      kind: 'submitted',
      audiences: ['office'],
      event: { actor: { role: 'unit', who: '区发改委' }, evidence: ['文件'] },
    });
    const extension = testNotice({
      kind: 'extension-requested',
      audiences: ['office'],
      event: {
        actor: { role: 'unit', who: '区发改委' },
        reason: '需协调',
        previousDeadline: '2024-10-15',
        requestedDeadline: '2024-11-29',
      },
    });
    const review = testNotice(
      { kind: 'lookback-request', audiences: ['office'], lookback: { round: 1, closedOn: '2024-06-28', dueDate: '2024-10-18' } },
      { id: '2.1', status: 'closed' },
    );
    for (const n of [submitted, extension, review]) {
      const mail = renderNotice(n, ctx('office'));
      const page = `https://zhenggai.example.org/measures/drill-2024/${n.measure.id}`;
      expect(mail.text).toContain(`在系统中办理：${page}\n`);
      expect(mail.html).toContain(`在系统中办理：<a href="${page}"`);
      expect(urls(mail.text)).toEqual([]); // never a lead unit's signed link
    }
    const digest = renderDigest(
      [testNotice({ audiences: ['office'] }), testNotice({ audiences: ['office'] }, { id: '1.2' })],
      ctx('office'),
    );
    expect(deskUrls(digest.text)).toEqual([
      'https://zhenggai.example.org/measures/drill-2024/1.1',
      'https://zhenggai.example.org/measures/drill-2024/1.2',
    ]);
    // Others do not act on the desk from their mail.
    for (const audience of ['leadUnit', 'leader', 'leadershipGroup'] as NoticeAudience[])
      expect(deskUrls(renderNotice(submitted, ctx(audience)).text)).toEqual([]);
    expect(measurePageUrl('https://zhenggai.example.org/desk/', 'plan 1', '1.1')).toBe(
      'https://zhenggai.example.org/desk/measures/plan%201/1.1',
    );
  });

  it('without link settings, no links and no words about them', () => {
    const mail = renderNotice(testNotice(), { ...ctx('leadUnit'), links: undefined });
    expect(mail.text).not.toContain('在线办理');
    const office = renderNotice(testNotice({ audiences: ['office'] }), { ...ctx('office'), desk: undefined });
    expect(office.text).not.toContain('在系统中办理');
  });
});

describe('a measure named the same way everywhere', () => {
  it('measureName in official form, and its ids read back from a digest as sent (the benchmarks read mail so)', () => {
    expect(measureName('2.2', '全力稳定外资(一)')).toBe('措施2.2“全力稳定外资（一）”');
    const mail = renderDigest([testNotice(), testNotice({}, { id: '12.3', title: '全力稳定外资' })], ctx('leadUnit'));
    expect(mail.text).toContain(measureName('12.3', '全力稳定外资'));
    expect(namedMeasureIds(mail.text)).toEqual(expect.arrayContaining(['1.1', '12.3']));
    expect(new Set(namedMeasureIds(mail.text))).toEqual(new Set(['1.1', '12.3']));
    expect(namedMeasureIds('措施 1.1「旧式」')).toEqual([]);
  });
});
