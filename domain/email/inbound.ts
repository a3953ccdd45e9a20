/**
 * Replies by mail, the pure part: which mail is automatic and never answered (so no mail loop can
 * start), what a reply asks (a progress report, or a completion offered to the office), the new
 * text of a reply once its quoted history is gone, and the short answer in Chinese for each
 * outcome — one table of reasons, used by the inbound server and its tests alike.
 */
import { officialText } from '../typography';
import { plainDateZh, type IsoDate } from '../dates';
import { officeContact, type Office } from './wording';

/** The headers that tell an automatic mail (RFC 3834 Auto-Submitted, the vendors' own, a report). */
export interface InboundHeaders {
  /** The SMTP envelope's sender: empty for a bounce (the null sender `<>`). */
  envelopeFrom: string;
  autoSubmitted?: string;
  precedence?: string;
  /** Microsoft's X-Auto-Response-Suppress is a request, not a mark; these are marks. */
  xAutoreply?: string;
  xAutorespond?: string;
  /** The top-level content type, e.g. multipart/report for a delivery or disposition report. */
  contentType?: string;
  subject: string;
}

/** Subjects that out-of-office replies and delivery reports start with, in the clients offices use. */
const AUTOMATIC_SUBJECTS =
  /^\s*(自动回复|自动答复|自动应答|系统退信|退信|邮件退回|未送达|无法送达|auto(matic)?[ -]?reply|auto:|out of office|undeliver(able|ed)|delivery status notification|mail delivery (failed|failure|system)|returned mail)/i;

/** Why a mail is automatic and gets no answer (for the log), or undefined for a person's mail. */
export function automaticReason(h: InboundHeaders): string | undefined {
  if (!h.envelopeFrom.trim()) return 'null sender';
  const autoSubmitted = h.autoSubmitted?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  if (h.xAutoreply || h.xAutorespond) return 'X-Autoreply';
  if (/^(bulk|junk|list|auto_reply)$/i.test(h.precedence?.trim() ?? '')) return `Precedence: ${h.precedence?.trim()}`;
  if (/^multipart\/report\b/i.test(h.contentType ?? '')) return 'multipart/report';
  if (AUTOMATIC_SUBJECTS.test(h.subject)) return `subject: ${h.subject.trim().slice(0, 40)}`;
  return undefined;
}

/** The subject without the reply and forward prefixes clients add (Re:, RE：, 回复：, 答复:, Fwd:, 转发：). */
export function bareSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|fw|fwd|aw|回复|答复|转发)\s*[:：]\s*/i, '');
    if (next === s) return s;
    s = next;
  }
}

/**
 * Words that ask for the measure to be verified and closed, on their own at the head of the subject
 * or the first line (已完成。/ 申请销号：… / 【已完成】); 已完成政策调研 is progress.
 */
const COMPLETION_WORDS = /^[【[(（]?\s*(已完成|整改完成|申请销号)\s*([】\])）：:，,。.！!；;\s]|$)/;

export type ReplyIntent =
  | { kind: 'progress'; completionWithoutFiles: boolean }
  /** Offered to the office as a completion to verify, never closed by mail alone. */
  | { kind: 'completion' };

/** What a reply asks: a completion when its subject or first line says so and it has files; else progress. */
export function replyIntent(subject: string, text: string, files: number): ReplyIntent {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim()) ?? '';
  const asks = COMPLETION_WORDS.test(bareSubject(subject)) || COMPLETION_WORDS.test(firstLine.trim());
  if (asks && files > 0) return { kind: 'completion' };
  return { kind: 'progress', completionWithoutFiles: asks };
}

/**
 * Reply headers of Chinese clients the reply parser does not know (Outlook's 发件人：block, the
 * 原始邮件 separator of QQ Mail and Foxmail): the new text ends where one begins.
 */
const CHINESE_QUOTE_HEADERS = [/^-{2,}\s*原始邮件\s*-{2,}\s*$/, /^发件人\s*[:：]/, /^-{2,}\s*回复的原邮件\s*-{2,}\s*$/];

/** The reply's own words: `visible` is the reply parser's text; what follows a Chinese reply header goes too. */
export function replyText(visible: string): string {
  const lines = visible.replace(/\r\n/g, '\n').split('\n');
  const cut = lines.findIndex((l) => CHINESE_QUOTE_HEADERS.some((re) => re.test(l.trim())));
  return (cut < 0 ? lines : lines.slice(0, cut))
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Why a reply changed nothing, each with the words its sender gets. */
export type InboundRefusal =
  | { reason: 'address' }
  | { reason: 'expired'; days: number }
  | { reason: 'gone' }
  | { reason: 'closed' }
  | { reason: 'withdrawn' }
  | { reason: 'reassigned'; leadUnit: string }
  | { reason: 'stranger'; sender: string; unit: string }
  | { reason: 'empty' }
  | { reason: 'file'; message: string }
  | { reason: 'request'; message: string };

/** A message ends as a sentence does. */
const sentence = (s: string) => (/[。！？]$/.test(s) ? s : `${s}。`);

export function refusalWords(r: InboundRefusal): string {
  switch (r.reason) {
    case 'address':
      return '回复地址无法识别或已被改动，无法确定所回复的通知。请直接回复通知邮件，不要修改收件地址。';
    case 'expired':
      return `该通知发出已超过${r.days}天，其回复地址已失效。请回复最新一封通知邮件。`;
    case 'gone':
      return '所回复的措施已不在系统中运行。';
    case 'closed':
      return '本措施已核验销号，不再受理回复。';
    case 'withdrawn':
      return '本措施已撤销，不再受理回复。';
    case 'reassigned':
      return `本措施的牵头单位已调整为${r.leadUnit}，此前通知的回复不再受理。`;
    case 'stranger':
      return `发件地址${r.sender}不是${r.unit}在整改计划通讯录中登记的邮箱。请从登记的邮箱回复，或请巡察办更新通讯录。`;
    case 'empty':
      return '回复正文中没有进展内容（引用的原邮件不计入）。请在回复正文中写明进展情况。';
    case 'file':
      return sentence(`附件未被接受：${r.message}`);
    case 'request':
      return sentence(r.message.replace(/^请求被拒绝：/, ''));
  }
}

/** What a reply became. */
export type InboundAccepted = { kind: 'progress'; files: number; completionWithoutFiles: boolean } | { kind: 'completion'; files: number };

export function acceptedWords(a: InboundAccepted, measure: { id: string; title: string }): string[] {
  const m = `措施${measure.id}“${measure.title}”`;
  if (a.kind === 'completion')
    return [`贵单位的回复已作为${m}的整改完成提交巡察办核验，佐证材料${a.files}份。核验结果将另行通知，核验通过后销号。`];
  return [
    `贵单位的回复已记为${m}的进展报送${a.files ? `，附件${a.files}份已作为佐证材料保存` : ''}。`,
    ...(a.completionWithoutFiles ? ['如申请销号，请在回复中附上佐证材料（首行写“已完成”或“申请销号”）。'] : []),
  ];
}

/** The short answer a reply gets: plain text, greeting, what happened, that nothing changed (refusals), contact, 落款. */
export function inboundAnswer(a: { to: string; subject: string; lines: string[]; refused: boolean; office: Office; today: IsoDate }): {
  subject: string;
  text: string;
} {
  const body = [
    `${a.to}：`,
    '',
    ...a.lines.map((l) => officialText(l)),
    ...(a.refused ? ['本次回复未作任何更改。'] : []),
    '',
    officialText(`如有疑问，请联系${officeContact(a.office)}。`),
    '',
    `${' '.repeat(40)}${a.office.name}`,
    `${' '.repeat(40)}${plainDateZh(a.today)}`,
    '',
    '（本邮件由系统自动发送。）',
  ];
  const head = a.refused ? '回复未受理' : '回复已受理';
  return { subject: `【${head}】${bareSubject(a.subject) || '整改通知'}`, text: `${body.join('\n')}\n` };
}
