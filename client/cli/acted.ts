/**
 * What an acting command did, as the person who ran it reads it (`progress`, `complete`, `remind`):
 * what was recorded, and whom the mail it caused reached, with their addresses, or, while it is
 * still going out, whom it is for. Read from the measure after its Update: the workflow sends the
 * mail right after answering, so the command waits a moment to say it went rather than that it will.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { MeasureDetails } from '../../contracts/measure';
import { getDetailsQuery } from '../../contracts/messages';
import { plainDateZh } from '../../domain/dates';
import type { EventKind, NoticeAudience, NoticeKind, SentCopy } from '../../domain/notice';
import { AUDIENCE_LABELS, channelWords, noticeLabel } from '../../domain/vocabulary';

/** How long `progress`, `complete` and `remind` wait for the mail they cause before saying it is still going out. */
export const MAIL_WAIT_MS = 10_000;

/** What a request recorded (its audit action) and the notice it causes, if any. */
export interface Reported {
  action: 'progress' | 'submit' | 'remind';
  notice?: EventKind;
}

/**
 * 牵头单位·区发改委（fgw@example.org）; with the channels when group robots had it too, and a
 * digest it joined （fgw@example.org，经邮件、企业微信，并入汇总）; the label alone where delivery
 * named no one (the file outbox).
 */
function copyWords(c: SentCopy): string {
  const who = c.name === AUDIENCE_LABELS[c.audience] ? c.name : `${AUDIENCE_LABELS[c.audience]}·${c.name}`;
  const robots = c.channels?.some((x) => x !== 'mail') ? `经${channelWords(c.channels)}` : '';
  const digest = c.digest ? (robots ? '并入汇总' : '并入汇总邮件') : '';
  const about = [c.email ?? '', robots, digest].filter(Boolean).join('，');
  return `${who}${about ? `（${about}）` : ''}`;
}

/** People listed after a heading: on the same line when one, else one a line (names may contain 、). */
function listed(heading: string, items: string[]): string[] {
  return items.length === 1 ? [`${heading}：${items[0]}`] : [`${heading}：`, ...items.map((i) => `  ${i}`)];
}

/** The words for a request: its measure's last such action, and the notice queued or sent since. */
export function actionLines(
  report: Reported,
  d: Pick<MeasureDetails, 'audit' | 'outgoing' | 'deliveries' | 'leadUnit' | 'leader' | 'spec'>,
): string[] {
  const action = d.audit.filter((a) => a.action === report.action).at(-1);
  if (!action) return [];
  const detail = action.detail as {
    milestone?: number;
    period?: string;
    evidence?: string[];
    stage?: NoticeKind;
    level?: number;
    note?: string;
  };
  const lines: string[] = [];
  switch (report.action) {
    case 'progress': {
      const milestone =
        detail.milestone === undefined ? '' : `，完成第${detail.milestone + 1}阶段“${d.spec.milestones[detail.milestone]?.title ?? ''}”`;
      const period = detail.period ? `（截至${plainDateZh(detail.period)}的一期）` : '';
      lines.push(`已记录进展报送${period}${milestone}。进展不另发邮件：记入本措施的经过，巡察办在系统中可以看到。`);
      break;
    }
    case 'submit':
      lines.push(`已提交整改完成（佐证材料${detail.evidence?.length ?? 0}项），等待巡察办核验。`);
      break;
    case 'remind':
      lines.push(
        `已催办本措施的当前阶段“${noticeLabel(detail.stage ?? 'reminder', detail.level)}”${detail.note ? '，催办说明写入邮件' : ''}。`,
      );
      break;
  }
  if (!report.notice) return lines;
  // Still queued (the mail has not gone yet): whom it is for, not that it reached them.
  const queued = d.outgoing.find((e) => e.kind === report.notice);
  const names: Record<NoticeAudience, string> = {
    ...AUDIENCE_LABELS,
    leadUnit: `牵头单位·${d.leadUnit}`,
    leader: `负责区领导·${d.leader}`,
  };
  if (queued) {
    lines.push(
      ...listed(
        '邮件正在发出，将通知',
        queued.audiences.map((a) => names[a]),
      ),
    );
    return lines;
  }
  const sent = (d.deliveries ?? []).find((x) => x.kind === report.notice && x.at >= action.at);
  if (!sent) return lines;
  const reached = sent.to ? sent.to.map(copyWords) : sent.problems?.length ? [] : sent.audiences.map((a) => names[a]);
  if (reached.length) lines.push(...listed('已通知', reached));
  for (const p of sent.problems ?? []) lines.push(`未能送达：${p}（已告知巡察办）`);
  return lines;
}

/** The lines for a request just made: its notice waited for (at most MAIL_WAIT_MS) while it is still queued. */
export async function reportAction(handle: Pick<WorkflowHandle, 'query'>, report: Reported): Promise<string[]> {
  let details = await handle.query(getDetailsQuery);
  const queued = () => details.outgoing.some((e) => e.kind === report.notice);
  for (const until = Date.now() + MAIL_WAIT_MS; queued() && Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 250));
    details = await handle.query(getDetailsQuery);
  }
  return actionLines(report, details);
}
