/**
 * 一事一档: a measure's dossier as the office archives it — what the measure is and who answers
 * for it, its deadlines and the extensions granted, its milestones, each completion submitted and
 * how it was verified, its look-back reviews, its whole timeline in order with who and when, and
 * its evidence files with the names they go into the archive under. Built from what the workflow
 * itself answers (its state, record and timeline: nothing is kept on the side), in official form
 * (full-width punctuation, dates with their year). The Word document is documents/dossier-docx.ts,
 * the zip client/dossier.ts. Pure.
 */
import { localClock, localDate, plainDateZh, zoneWords } from './dates';
import type { MeasureState } from './measure-state';
import { deadlineWords, dueDateOf, evidenceWords, linksLine, measureName, sentences } from './measure-words';
import { noteWords } from './notes';
import { actorLabel } from './permissions';
import type { MeasureRecord } from './record';
import type { TimelineEntry } from './timeline';
import { officialText } from './typography';
import { CADENCE_LABELS, LOOKBACK_STATUS_LABELS, MEASURE_KIND_LABELS, STATUS_LABELS } from './vocabulary';

/** The folder a measure's evidence files go into, inside its dossier. */
export const EVIDENCE_FOLDER = '佐证材料';
/** The list of every file in a dossier with its size and SHA-256 (documents/dossier-manifest.ts). */
export const MANIFEST_NAME = '文件清单.csv';

/** An evidence file of the measure, as the dossier names it. */
export interface DossierFile {
  sha256: string;
  /** The name it was submitted under. */
  name: string;
  /** Its path in the measure's folder: 佐证材料/整改报告.pdf (a second file of the same name: 整改报告（2）.pdf). */
  path: string;
  /** The timeline entries (their numbers) that name it, the first being when it was submitted. */
  entries: number[];
}

export interface DossierTimelineRow {
  no: number;
  /** 2027年3月31日 and 09:00, in the measure's zone. */
  date: string;
  time: string;
  who: string;
  what: string;
  /** A notice's recipients and how each was reached; recipients it could not reach. */
  to: string[];
}

export interface Dossier {
  planId: string;
  measureId: string;
  /** 措施1.1“健全政策机制”. */
  name: string;
  planTitle: string;
  /** The day it was made: 2027年3月31日. */
  madeOn: string;
  /** 北京时间. */
  zone: string;
  /** 基本情况, label and value. */
  facts: [string, string][];
  deadlines: { deadline: string; since: string; reason: string }[];
  /** Each extension granted, a sentence. */
  extensions: string[];
  /** An extension asked for and not yet decided, in words. */
  pendingExtension?: string;
  milestones: { title: string; deadline: string; state: string }[];
  /** A long-term measure's reporting, in words. */
  reporting?: string;
  /** Each completion submitted with the verification that answered it, a paragraph (and the links given, a line). */
  completions: string[];
  /** Each look-back review: when, its due date, its outcome, who recorded it and what they found, a paragraph. */
  lookbacks: string[];
  timeline: DossierTimelineRow[];
  files: DossierFile[];
}

/** Characters no archive entry may carry on the systems offices use (Windows above all). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/** A name as a file or folder of the archive: nothing a file system refuses, no leading dots, at most `max` characters. */
export function archiveName(name: string, max = 120): string {
  const clean = name.replace(UNSAFE, '_').replace(/^[.\s]+|[.\s]+$/g, '');
  if (!clean) return '未命名文件';
  if (clean.length <= max) return clean;
  const ext = /\.[A-Za-z0-9]{1,5}$/.exec(clean)?.[0] ?? '';
  return `${clean.slice(0, max - ext.length)}${ext}`;
}

/** The first of name, name（2）, name（3）… (before the extension) that `taken` does not hold yet. */
export function unusedName(name: string, taken: Set<string>): string {
  const ext = /\.[A-Za-z0-9]{1,5}$/.exec(name)?.[0] ?? '';
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}（${n}）${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** A measure's folder in an archive: 措施1.1-健全政策机制. */
export function measureFolder(id: string, title: string): string {
  return archiveName(`措施${id}-${officialText(title)}`, 60);
}

/** The dossier's Word file in the measure's folder: 措施1.1整改档案.docx. */
export function dossierDocName(id: string): string {
  return archiveName(`措施${id}整改档案.docx`);
}

/**
 * 牵头单位·区发改委 <fgw@…> by 邮件 → 牵头单位·区发改委，经邮件: whom a notice reached and how (the
 * address and Message-ID stay on the measure's page and `show --timeline`; on paper they only break lines).
 */
function recipientWords(label: string, channels: string): string {
  return `${label.replace(/ <[^>]+>$/, '')}，经${channels}`;
}

export interface DossierInput {
  /** The measure's whole state (getDetails). */
  state: MeasureState;
  record: MeasureRecord;
  timeline: TimelineEntry[];
  /** When the dossier is made (epoch ms). */
  now: number;
}

export function measureDossier({ state, record, timeline, now }: DossierInput): Dossier {
  const spec = state.spec;
  const zone = spec.timeZone;
  const day = (iso: string) => plainDateZh(localDate(Date.parse(iso), zone));
  const status = state.withdrawn
    ? `已撤销（${day(state.withdrawn.at)}，不再跟踪）`
    : `${STATUS_LABELS[state.progress.status]}${state.progress.status === 'closed' && state.closedAt ? `（${day(state.closedAt)}）` : ''}`;
  const facts: [string, string][] = [
    ['所属计划', officialText(spec.planTitle)],
    ['巡视反馈', plainDateZh(spec.feedbackDate)],
    ['所属问题', `问题${spec.problem.no}：${officialText(spec.problem.title)}`],
    ['整改措施', measureName(spec.id, spec.title)],
    ['措施内容', officialText(spec.text)],
    ['整改类型', MEASURE_KIND_LABELS[spec.kind]],
    ['牵头单位', state.leadUnit],
    ['负责区领导', state.leader],
    ['参与单位', spec.participants.join('、') || '无'],
    ['整改时限', deadlineWords(record.deadline, dueDateOf(record.dueAt, zone), spec.kind)],
    ['开始跟踪', day(state.startedAt)],
    ['当前状态', status],
  ];

  // The timeline, numbered; the files it names, each once, under a name no other file of the folder has.
  const files = new Map<string, DossierFile>();
  const taken = new Set<string>();
  const rows = timeline.map((e, i): DossierTimelineRow => {
    const no = i + 1;
    for (const f of e.files ?? []) {
      const known = files.get(f.sha256);
      if (known) known.entries.push(no);
      else
        files.set(f.sha256, {
          sha256: f.sha256,
          name: f.name,
          path: `${EVIDENCE_FOLDER}/${unusedName(archiveName(f.name), taken)}`,
          entries: [no],
        });
    }
    const at = Date.parse(e.at);
    return {
      no,
      date: plainDateZh(localDate(at, zone)),
      time: localClock(at, zone),
      who: e.who ?? '—',
      what: e.what,
      to: [...(e.to ?? []).map((t) => `致${recipientWords(t.label, t.channels)}`), ...(e.problems ?? []).map((p) => `未送达：${p}`)],
    };
  });

  // Each completion with the verification that answered it (the first after it).
  const said = (text: string) => noteWords(text).text.replace(/。$/, '');
  const verifications = record.verifications ?? [];
  const submissions = record.submissions ?? [];
  const completions = submissions.map((x, i) => {
    const next = submissions[i + 1]?.at;
    const v = verifications.find((y) => y.at >= x.at && (next === undefined || y.at < next));
    const ev = evidenceWords(x.evidence);
    const links = [...ev.links, ...(x.note ? noteWords(x.note).links : [])];
    const words = sentences([
      `第${i + 1}次提交：${day(x.at)}，${x.by}提交整改完成${ev.text ? `，佐证材料：${ev.text}` : ''}${x.note ? `；说明：${said(x.note)}` : ''}`,
      !v
        ? '尚待核验'
        : v.accept
          ? `${day(v.at)}，${v.by}核验通过，予以销号${v.reason ? `；说明：${said(v.reason)}` : ''}`
          : `${day(v.at)}，${v.by}核验退回${v.reason ? `，理由：${said(v.reason)}` : ''}`,
    ]);
    // Links on a line of their own, never glued to a sentence.
    return links.length ? `${words}\n${linksLine([...new Set(links)])}` : words;
  });

  const lookbacks = record.lookbacks.map((l) => {
    const relapse = record.relapses.find((r) => r.round === l.round);
    const kept = state.lookbacks?.find((x) => x.round === l.round);
    const notes = relapse?.notes ?? kept?.notes;
    const by = relapse?.by ?? (kept?.by ? actorLabel(kept.by) : '');
    const which = `第${l.round}次回头看${l.campaign ? `（“${officialText(l.campaign)}”专项）` : ''}`;
    const outcome = !l.outcome
      ? `结论：${LOOKBACK_STATUS_LABELS.pending}`
      : `${l.recordedAt ? `${day(l.recordedAt)}，${by}记录` : ''}结论：${LOOKBACK_STATUS_LABELS[l.outcome]}${
          l.outcome === 'relapsed' && relapse?.newDeadline ? `，重新整改至${plainDateZh(relapse.newDeadline)}` : ''
        }`;
    return sentences([
      `${which}：${day(l.startedAt)}开展${l.dueDate ? `，时限${plainDateZh(l.dueDate)}` : ''}；${outcome}`,
      !!notes && `核查说明：${said(notes)}`,
    ]);
  });

  return {
    planId: spec.planId,
    measureId: spec.id,
    name: measureName(spec.id, spec.title),
    planTitle: officialText(spec.planTitle),
    madeOn: plainDateZh(localDate(now, zone)),
    zone: zoneWords(zone),
    facts,
    deadlines: state.deadlines.map((d, i) => {
      const granted = record.extensions.some((x) => x.at === d.since);
      const why = d.reason ? said(d.reason) : '';
      return {
        deadline: plainDateZh(d.deadline),
        since: day(d.since),
        reason: i === 0 ? '整改方案确定' : granted ? `批准延期${why ? `，理由：${why}` : ''}` : why || '—',
      };
    }),
    extensions: record.extensions.map((x) =>
      sentences([
        `${day(x.at)}批准延期，整改时限${x.from ? `由${plainDateZh(x.from)}` : ''}延至${plainDateZh(x.to)}${x.reason ? `；理由：${said(x.reason)}` : ''}`,
      ]),
    ),
    ...(state.pendingExtension
      ? {
          pendingExtension: `${actorLabel(state.pendingExtension.by)}于${day(state.pendingExtension.at)}申请延期至${plainDateZh(state.pendingExtension.newDeadline)}，理由：${said(state.pendingExtension.reason)}，尚待审批。`,
        }
      : {}),
    milestones: spec.milestones.map((m, i) => ({
      title: officialText(m.title),
      deadline: plainDateZh(m.deadline),
      state: i < state.progress.milestonesDone ? '已完成' : i === state.progress.milestonesDone ? '进行中' : '未开始',
    })),
    ...(spec.kind === 'longterm'
      ? {
          reporting: `${CADENCE_LABELS[spec.cadence ?? spec.policy.reporting.cadence]}报送进展${
            state.progress.reportsDone.length
              ? `，已报送${state.progress.reportsDone.length}期（截至${state.progress.reportsDone.map(plainDateZh).join('、')}）`
              : '，尚未报送'
          }。`,
        }
      : {}),
    completions,
    lookbacks,
    timeline: rows,
    files: [...files.values()],
  };
}

/** 见整改经过第3、7项: where the timeline names a file. */
export function entriesWords(entries: number[]): string {
  return `见整改经过第${entries.join('、')}项`;
}
