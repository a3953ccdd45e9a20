/**
 * 一事一档 as zip archives, for `rectify dossier` and the desk's downloads. A measure's: its folder
 * with the dossier as a Word document, every evidence file its record names (read through the
 * evidence store by SHA-256, only a file stored for this measure, its bytes checked against the
 * hash) under the name it was submitted with, and the list of files with their sizes and SHA-256.
 * A plan's: every running measure's folder, the live ledger and the progress report as of the day,
 * and a list of every file. Everything is read from the workflows when asked (readMeasure, as the
 * measure's page reads it); nothing is kept on the side.
 */
import type { Client } from '@temporalio/client';
import JSZip from 'jszip';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { chinaCalendar } from '../domain/calendar-data';
import { localDate, plainDateZh, type IsoDate } from '../domain/dates';
import { dossierDocName, entriesWords, MANIFEST_NAME, measureDossier, measureFolder, archiveName } from '../domain/dossier';
import { buildReport } from '../domain/report/model';
import { dossierDocx, type StoredFiles } from '../documents/dossier-docx';
import { manifestCsv, type ManifestEntry } from '../documents/dossier-manifest';
import { liveLedgerXlsx } from '../documents/ledger-sheet';
import { reportDocx } from '../documents/report-docx';
import { unknownPlan } from './actions';
import { liveLedger } from './ledger-export';
import { mapBounded, readMeasure, readRecords } from './records';
import { choosePlan, DEFAULT_ZONE } from './report';
import type { EvidenceStore } from './web/evidence-store';

export interface DossierArchive {
  /** The zip's bytes. */
  zip: Buffer;
  /** A file name for it: 一事一档-liangxi-2023-措施1.1-2027-03-31.zip. */
  name: string;
  measures: number;
  /** Evidence files in it. */
  files: number;
  /** Timeline entries in its documents. */
  entries: number;
  /** Evidence files the records name that could not be put in, each with why. */
  missing: string[];
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function bytesOf(content: Readable | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stored file of the measure's, checked against its hash; or why it cannot be put in the archive. */
async function evidenceOf(store: EvidenceStore, sha: string, planId: string, measureId: string): Promise<Buffer | string> {
  const meta = await store.meta(sha);
  if (!meta) return '存储中没有此文件';
  if (!meta.owners.some((o) => o.planId === planId && o.measureId === measureId)) return '此文件不是为本措施提交的';
  let bytes: Buffer;
  try {
    bytes = await bytesOf(await store.open(sha));
  } catch (e) {
    return `无法读取（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`;
  }
  return sha256(bytes) === sha ? bytes : '文件内容与记录的SHA-256不符';
}

/** A folder of the zip: files added with their manifest entries (paths from the folder). */
class Folder {
  readonly entries: ManifestEntry[] = [];
  constructor(
    private readonly zip: JSZip,
    private readonly prefix: string,
    private readonly date: Date,
  ) {}
  add(path: string, content: Buffer | string, what: string): void {
    this.zip.file(`${this.prefix}${path}`, content, { date: this.date });
    this.entries.push({ path, size: Buffer.byteLength(content), sha256: sha256(content), what });
  }
  /** Another folder's files, as this folder lists them. */
  adopt(folder: string, entries: ManifestEntry[]): void {
    for (const e of entries) this.entries.push({ ...e, path: `${folder}/${e.path}` });
  }
  /** The list of the folder's files, added last. */
  close(): ManifestEntry[] {
    const list = manifestCsv(this.entries);
    this.zip.file(`${this.prefix}${MANIFEST_NAME}`, list, { date: this.date });
    return [...this.entries, { path: MANIFEST_NAME, size: Buffer.byteLength(list), sha256: sha256(list), what: '文件清单' }];
  }
}

type MeasureRead = Awaited<ReturnType<typeof readMeasure>>;

/** One measure's folder in `zip` under `prefix`: its document, its evidence, its list. */
async function addMeasure(zip: JSZip, prefix: string, read: MeasureRead, store: EvidenceStore, now: number) {
  const d = measureDossier({ state: read.details, record: read.record, timeline: read.timeline, now });
  const folder = new Folder(zip, prefix, new Date(now));
  const stored: StoredFiles = new Map();
  const missing: string[] = [];
  const evidence: [string, Buffer, string][] = [];
  for (const f of d.files) {
    const got = await evidenceOf(store, f.sha256, d.planId, d.measureId);
    if (typeof got === 'string') {
      stored.set(f.sha256, { missing: got });
      missing.push(`${d.name}的${f.path}（sha256:${f.sha256}）：${got}`);
    } else {
      stored.set(f.sha256, { size: got.length });
      evidence.push([f.path, got, `佐证材料，${entriesWords(f.entries)}`]);
    }
  }
  folder.add(dossierDocName(d.measureId), await dossierDocx(d, stored), '本措施的整改档案');
  for (const [path, bytes, what] of evidence) folder.add(path, bytes, what);
  return { dossier: d, entries: folder.close(), files: evidence.length, missing };
}

async function generate(zip: JSZip): Promise<Buffer> {
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** A measure's dossier as a zip: one folder, 措施1.1-…/. */
export async function measureDossierZip(
  client: Client,
  store: EvidenceStore,
  planId: string,
  measureId: string,
  now = Date.now(),
): Promise<DossierArchive> {
  const read = await readMeasure(client, planId, measureId);
  const zip = new JSZip();
  const folder = measureFolder(measureId, read.details.spec.title);
  const m = await addMeasure(zip, `${folder}/`, read, store, now);
  const day = localDate(now, read.details.spec.timeZone);
  return {
    zip: await generate(zip),
    name: archiveName(`一事一档-${planId}-措施${measureId}-${day}.zip`),
    measures: 1,
    files: m.files,
    entries: m.dossier.timeline.length,
    missing: m.missing,
  };
}

/** Measure ids in the order offices number them: 1.2 before 1.10. */
const byMeasureId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id, 'en', { numeric: true });

/**
 * A plan's dossier as a zip: one folder, 一事一档-<plan>-<day>/, holding each running measure's
 * folder, the live ledger (xlsx) and the progress report (docx) as of the day, and the list of
 * every file. `planId` may be left out when one plan runs.
 */
export async function planDossierZip(
  client: Client,
  store: EvidenceStore,
  planId: string | undefined,
  now = Date.now(),
): Promise<DossierArchive> {
  const all = (await readRecords(client, { planId })).records;
  const plan = choosePlan(all, planId);
  if (!plan) throw await unknownPlan(client, planId!);
  const mine = all.filter((r) => r.planId === plan.id).sort(byMeasureId);
  // Each measure read whole (its record with every note), a few at a time.
  const reads = await mapBounded(mine, 4, (r) => readMeasure(client, r.planId, r.id));
  const records = reads.map((r) => r.record);
  const zone = records[0]?.timeZone ?? DEFAULT_ZONE;
  const day: IsoDate = localDate(now, zone);
  const root = archiveName(`一事一档-${plan.id}-${day}`);
  const zip = new JSZip();
  const top = new Folder(zip, `${root}/`, new Date(now));
  let files = 0;
  let entries = 0;
  const missing: string[] = [];
  for (const read of reads) {
    const folder = measureFolder(read.details.spec.id, read.details.spec.title);
    const m = await addMeasure(zip, `${root}/${folder}/`, read, store, now);
    top.adopt(folder, m.entries);
    files += m.files;
    entries += m.dossier.timeline.length;
    missing.push(...m.missing);
  }
  const live = await liveLedger(client, { records, now, zone });
  top.add(archiveName(`整改台账-${plan.id}-${live.asOf}.xlsx`), await liveLedgerXlsx(live.rows, live.title), live.title);
  const report = buildReport(records, {
    planId: plan.id,
    planTitle: plan.title,
    asOf: day,
    timeZone: zone,
    calendar: chinaCalendar({ unpublishedYears: 'statutory' }),
  });
  top.add(
    archiveName(`${report.planTitle}巡视整改进展情况-${day}.docx`),
    await reportDocx(report),
    `巡视整改进展情况报告，截至${plainDateZh(day)}`,
  );
  top.close();
  return { zip: await generate(zip), name: `${root}.zip`, measures: reads.length, files, entries, missing };
}
