/**
 * 一事一档 on a real dev server and worker, mail to a real SMTP server in process: a measure
 * with progress (a PDF uploaded through the unit's link), an extension, a completion with files
 * sent back and one resubmitted (another file of the same name) and accepted, and a relapse found
 * by a look-back review. Its dossier from `rectify dossier` and from the measure page's download:
 * the Word document lists every timeline entry with who and when (read back from the .docx, and
 * printed through LibreOffice and read from the PDF), every evidence file's bytes are the ones
 * uploaded and match the list's SHA-256; the plan's dossier holds one folder per measure, the
 * ledger and the report. Bad command lines and requests change nothing. The printed sample is kept
 * in test-output/dossier/ to look at. One piece: every check reads the one measure's life, set up
 * once on one server (the slow part), and the helpers above the tests only read what it made.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Mailer } from '../../activities/mail/transport';
import type { MailDelivery } from '../../activities/mail/delivery';
import { buildWebApp } from '../../client/web/server';
import { measureWorkflowId } from '../../contracts/ids';
import * as msg from '../../contracts/messages';
import { localClock, localDate, plainDateZh } from '../../domain/dates';
import { signLink, type LinkAction } from '../../domain/links';
import type { TimelineEntry } from '../../domain/timeline';
import { halfWidthTouchingChinese, nestedBrackets } from '../../domain/typography';
import { runCli } from '../helpers/cli';
import { Browser, csrfOf, multipart, tinyPdf } from '../helpers/http';
import { docxParagraphs } from '../helpers/docx';
import { relapseByCli } from '../helpers/lookback';
import { drillPlan } from '../helpers/plans';
import { inReadingOrder, lineTexts, pagesToPng, printToPdf, readPdf, squeeze, type PrintedPage, type PrintedWord } from '../helpers/print';
import { mailToTestSmtp, type TestSmtp } from '../helpers/smtp';
import { wednesdayAhead } from '../helpers/specs';
import { eventually, startDevStack, type DevStack } from '../helpers/temporal';
import { webAccess, type WebAccess } from '../helpers/web';

Runtime.install({ logger: new DefaultLogger('WARN') });
jest.setTimeout(300_000);

const PLAN_ID = 'dossier-2024';
const PASSWORD = 'correct horse battery';
const ZONE = 'Asia/Shanghai';
const OUT = resolve(__dirname, '../../test-output/dossier');
const ahead = (weeks: number) => wednesdayAhead(Date.now(), weeks);

const PLAN = drillPlan({
  id: PLAN_ID,
  title: '演练计划(一事一档)',
  problems: ['高质量发展成效不显', '资产管理较为混乱'],
  measures: [
    `{ id: "1.1", problem: 1, title: 健全政策机制, text: '出台若干政策措施,建立定期会商机制。', kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [区财政局], deadline: ${ahead(4)} }`,
    `{ id: "1.2", problem: 1, title: 全力稳定外资, text: 提高奖励比例。, kind: deadline, leader: 区委常委、常务副区长, leadUnit: 区发改委, participants: [], deadline: ${ahead(6)} }`,
    `{ id: "2.1", problem: 2, title: 清查闲置资产, text: 清查。, kind: deadline, leader: 副区长, leadUnit: 区财政局, participants: [], deadline: ${ahead(6)} }`,
  ],
});

/** A PNG's signature and a few bytes: what the upload takes as a PNG. */
const tinyPng = (seed: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(seed)]);
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The uploads, by the name each goes into the archive under. */
const DRAFT = tinyPdf('起草稿');
const REPORT = tinyPdf('整改报告·第一稿');
const REVISED = tinyPdf('整改报告·修改稿');
const PHOTO = tinyPng('现场照片');
const UPLOADED: Record<string, Buffer> = {
  '佐证材料/起草稿.pdf': DRAFT,
  '佐证材料/整改报告.pdf': REPORT,
  '佐证材料/整改报告（2）.pdf': REVISED,
  '佐证材料/现场照片.png': PHOTO,
};

/** A CSV of the list of files: its rows after the header, fields unquoted. */
function manifestRows(csv: string): { path: string; size: number; sha256: string; what: string }[] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const [header, ...lines] = csv.slice(1).split('\r\n').filter(Boolean);
  expect(header).toBe('文件,字节数,SHA-256,说明');
  return lines.map((line) => {
    const fields = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
    return { path: fields[0], size: Number(fields[1]), sha256: fields[2], what: fields[3] };
  });
}

/** Every file of a folder of the zip (but its list) is in its list with its size and SHA-256, and the list names nothing else. */
async function checkManifest(zip: JSZip, folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(zip.files))
    if (!entry.dir && name.startsWith(folder) && name !== `${folder}文件清单.csv`)
      files.set(name.slice(folder.length), await entry.async('nodebuffer'));
  const rows = manifestRows(await zip.file(`${folder}文件清单.csv`)!.async('string'));
  expect(rows.map((r) => r.path).sort()).toEqual([...files.keys()].sort());
  for (const r of rows) expect([r.path, r.size, r.sha256]).toEqual([r.path, files.get(r.path)!.length, sha256(files.get(r.path)!)]);
  return files;
}

/** The measure's timeline in the document: each entry's row (number, date over time, who, what) in order. */
function checkTimeline(paragraphs: string[], entries: TimelineEntry[]): void {
  const start = paragraphs.findIndex((p) => /^[一二三四五六七八九]、整改经过$/.test(p));
  expect(start).toBeGreaterThan(0);
  expect(paragraphs).toContain(`共${entries.length}项，按时间先后排列；通知列明送达对象及渠道。`);
  let at = start;
  entries.forEach((e, i) => {
    at = paragraphs.indexOf(String(i + 1), at + 1);
    const when = Date.parse(e.at);
    expect(paragraphs.slice(at, at + 5)).toEqual([
      String(i + 1),
      plainDateZh(localDate(when, ZONE)),
      localClock(when, ZONE),
      e.who ?? '—',
      e.what,
    ]);
  });
}

/**
 * The printed timeline's columns (序号, 时间, 经办, 事项), each read apart as text: on every page that
 * prints the table's header, a word belongs to the column whose title starts left of it (the cells'
 * text is set from their left edge, 1 mm in).
 */
function timelineColumns(pages: PrintedPage[]): string[] {
  const titles = ['序号', '时间', '经办', '事项'];
  const columns: PrintedWord[][] = titles.map(() => []);
  for (const page of pages) {
    const handled = page.words.find((w) => w.text === '经办');
    if (!handled) continue;
    const head = titles.map((t) => page.words.find((w) => w.text === t && Math.abs(w.y - handled.y) < 2));
    if (head.some((h) => !h)) continue;
    const starts = head.map((h) => h!.x - 3);
    for (const w of page.words) {
      // Below the header's line (the first row's box may touch it).
      if (w.y < (handled.y + handled.bottom) / 2) continue;
      const i = starts.filter((x) => w.x >= x).length - 1;
      if (i >= 0) columns[i].push(w);
    }
  }
  return columns.map((c) =>
    squeeze(
      inReadingOrder(c)
        .map((w) => w.text)
        .join(''),
    ),
  );
}

describe('一事一档 on a real server', () => {
  let stack: DevStack;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let web: FastifyInstance;
  let access: WebAccess;
  let entries: TimelineEntry[];
  const dir = mkdtempSync(join(tmpdir(), 'rectify-dossier-'));
  const varDir = join(dir, 'var');
  const planPath = join(dir, 'plan.yaml');
  const handle = (id: string) => stack.env.client.workflow.getHandle(measureWorkflowId(PLAN_ID, id));

  /** The unit's link, for the deadline in force. */
  const link = async (id: string) =>
    signLink(
      {
        planId: PLAN_ID,
        measureId: id,
        unit: '区发改委',
        actions: ['reportProgress', 'submitCompletion', 'requestExtension'] as LinkAction[],
        deadlineVersion: (await handle(id).query(msg.getStateQuery)).progress.deadlineVersion,
        expiresAt: Date.now() + 86_400_000,
      },
      access.keys.current,
    );
  /** What the unit does from its link, with files. */
  const fromLink = async (id: string, action: 'progress' | 'completion', fields: Record<string, string>, files: [string, Buffer][]) => {
    const t = await link(id);
    const b = new Browser(web);
    const page = await b.get(`/u/${PLAN_ID}/${id}?t=${t}`);
    expect(page.statusCode).toBe(200);
    const res = await b.postMultipart(
      `/u/${PLAN_ID}/${id}/${action}?t=${t}&_csrf=${encodeURIComponent(csrfOf(page.body))}`,
      multipart(
        fields,
        files.map(([name, content]) => ({ name, content })),
      ),
    );
    expect([action, res.statusCode]).toEqual([action, 303]);
  };
  const ok = async (...argv: string[]) => {
    const r = await runCli(...argv);
    expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), 0, '']);
    return r;
  };

  beforeAll(async () => {
    writeFileSync(planPath, PLAN);
    access = webAccess(varDir);
    await access.users.add('督查科', 'office', PASSWORD);
    await access.users.add('常务副区长', 'leadership', PASSWORD);
    let delivery: MailDelivery;
    ({ smtp, mailer, delivery } = await mailToTestSmtp(dir, planPath, {
      baseUrl: 'https://zhenggai.example.org/',
      keys: access.keys,
      days: 30,
    }));
    stack = await startDevStack(dir, { delivery });
    // The CLI reads the evidence the web stored (var/evidence), as on one machine (restored with the environment).
    process.env.RECTIFY_VAR_DIR = varDir;
    web = await buildWebApp({ client: stack.env.client, namespace: stack.namespace, cacheMs: 0, ...access });
    // Deadlines next year, whose holidays may not be published yet: a warning, not an error.
    const started = await runCli('start', planPath);
    expect([started.code, started.out]).toEqual([0, expect.stringContaining('新启动3项')]);

    // 1.1's life: progress with a file, an extension, a completion sent back, another accepted, a relapse.
    await fromLink('1.1', 'progress', { note: '一季度完成调研,形成初稿' }, [['起草稿.pdf', DRAFT]]);
    await ok('extend', '1.1', '--as', 'unit:区发改委', '--to', ahead(10), '--reason', '需协调省级部门,待省里政策出台后推进');
    await ok('decide-extension', '1.1', '--as', 'office:督查科', '--approve');
    await fromLink('1.1', 'completion', { evidence: '印发文件', note: '已完成' }, [['整改报告.pdf', REPORT]]);
    await ok('verify', '1.1', '--as', 'office:督查科', '--reject', '--reason', '佐证不足,请补充现场照片');
    await fromLink('1.1', 'completion', { evidence: '', note: '已补充' }, [
      ['整改报告.pdf', REVISED],
      ['现场照片.png', PHOTO],
    ]);
    await ok('verify', '1.1', '--as', 'office:督查科', '--accept');
    const recorded = await relapseByCli(stack.env.client, PLAN_ID, '1.1', {
      campaign: '秋季回头看',
      due: ahead(2),
      newDeadline: ahead(12),
      notes: '问题反复',
    });
    expect(recorded.code).toBe(0);
    await ok('progress', '1.2', '--as', 'unit:区发改委', '--note', '已起草文件');
    // Settled: the relapse reopened the measure under its new deadline, and its notices went out.
    await eventually(
      () => handle('1.1').query(msg.getStateQuery),
      (v) => v.progress.status === 'active' && v.progress.deadlineVersion === 3,
    );
    entries = await eventually(
      () => handle('1.1').query(msg.getTimelineQuery),
      (t) => t.some((e) => e.what.includes('反弹回潮·重新整改')),
    );
    expect(await access.evidence.count()).toBe(4);
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    mailer?.close();
    await smtp?.close();
    await stack?.stop();
  });

  it('rectify dossier: the document lists every timeline entry with who and when; every file matches the list', async () => {
    const out = join(dir, '措施1.1档案.zip');
    const r = await runCli('dossier', '1.1', '--plan', PLAN_ID, '--out', out);
    expect([r.code, r.out]).toEqual([0, '']);
    expect(r.err).toBe(`已写入 ${out}：整改档案，整改经过${entries.length}项，佐证材料4份`);
    const zip = await JSZip.loadAsync(readFileSync(out));
    const folder = '措施1.1-健全政策机制/';
    const files = await checkManifest(zip, folder);
    expect([...files.keys()].sort()).toEqual(['措施1.1整改档案.docx', ...Object.keys(UPLOADED)].sort());
    for (const [path, bytes] of Object.entries(UPLOADED)) expect([path, files.get(path)!.equals(bytes)]).toEqual([path, true]);

    // Every kind of entry is there: progress, extension, both completions, both verifications, the relapse, notices.
    const happened = entries.map((e) => e.what).join('\n');
    for (const words of [
      '报送进展',
      '申请延期至',
      '批准延期至',
      '提交整改完成',
      '核验退回，理由：佐证不足，请补充现场照片',
      '核验通过',
      '反弹回潮',
      '发出“',
    ])
      expect(happened).toContain(words);
    const docx = files.get('措施1.1整改档案.docx')!;
    const paragraphs = await docxParagraphs(docx);
    checkTimeline(paragraphs, entries);
    const text = paragraphs.join('\n');
    expect(text).toContain('第1次提交：');
    expect(text).toContain('第2次提交：');
    expect(text).toContain('批准延期，整改时限由');
    expect(text).toContain('第1次回头看（“秋季回头看”专项）');
    expect(text).toContain('核查说明：问题反复。');
    for (const path of Object.keys(UPLOADED)) expect(paragraphs).toContain(path);
    expect(halfWidthTouchingChinese(text)).toEqual([]);
    expect(nestedBrackets(text)).toEqual([]);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    // Printed as an office prints it: every entry's words on the paper, dates with their year.
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const docxPath = join(OUT, '措施1.1整改档案.docx');
    writeFileSync(docxPath, docx);
    const pdf = await printToPdf(docxPath);
    copyFileSync(pdf, join(OUT, '措施1.1整改档案.pdf'));
    const pages = readPdf(pdf);
    const printed = pages.flatMap((p) => lineTexts(p.words)).join('');
    // The timeline's columns read apart, on the pages that print its header: each entry in order, whole.
    const [numbers, times, whos, whats] = timelineColumns(pages);
    const seen = [0, 0, 0, 0];
    const inOrder = (column: number, text: string, words: string) => {
      const at = text.indexOf(squeeze(words), seen[column]);
      expect([words, at >= 0]).toEqual([words, true]);
      seen[column] = at + squeeze(words).length;
    };
    entries.forEach((e, i) => {
      const when = Date.parse(e.at);
      inOrder(0, numbers, String(i + 1));
      inOrder(1, times, `${plainDateZh(localDate(when, ZONE))}${localClock(when, ZONE)}`);
      inOrder(2, whos, e.who ?? '—');
      inOrder(3, whats, e.what);
    });
    expect(halfWidthTouchingChinese(printed)).toEqual([]);
    for (const [i, png] of pagesToPng(pdf, 60).entries()) copyFileSync(png, join(OUT, `措施1.1整改档案-${i + 1}.png`));
    expect(existsSync(join(OUT, '措施1.1整改档案-1.png'))).toBe(true);
  });

  it('the measure page’s download gives the same zip to a signed-in account, and refuses the others', async () => {
    const anonymous = await new Browser(web).get(`/measures/${PLAN_ID}/1.1/dossier.zip`);
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([
      303,
      `/login?next=${encodeURIComponent(`/measures/${PLAN_ID}/1.1/dossier.zip`)}`,
    ]);
    const leader = new Browser(web);
    await leader.signIn('常务副区长', PASSWORD);
    const res = await leader.get(`/measures/${PLAN_ID}/1.1/dossier.zip`);
    expect([res.statusCode, res.headers['content-type'], res.headers['cache-control']]).toEqual([
      200,
      'application/zip',
      'private, no-store',
    ]);
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent(`一事一档-${PLAN_ID}-措施1.1-`));
    const zip = await JSZip.loadAsync(res.rawPayload);
    const files = await checkManifest(zip, '措施1.1-健全政策机制/');
    for (const [path, bytes] of Object.entries(UPLOADED)) expect([path, files.get(path)!.equals(bytes)]).toEqual([path, true]);
    checkTimeline(await docxParagraphs(files.get('措施1.1整改档案.docx')!), entries);

    const missing = await leader.get(`/measures/${PLAN_ID}/9.9/dossier.zip`);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('计划“dossier-2024”中没有措施“9.9”');
    const noPlan = await leader.get('/dossier.zip?plan=nosuch-2024');
    expect(noPlan.statusCode).toBe(404);
    expect(noPlan.body).toContain('没有运行中的计划 nosuch-2024');
  });

  it('the plan’s dossier holds one folder per measure, the ledger and the report (CLI and web alike)', async () => {
    const out = join(dir, '整改档案.zip');
    const r = await runCli('dossier', '--plan', PLAN_ID, '--out', out);
    expect([r.code, r.err]).toEqual([0, expect.stringContaining(`已写入 ${out}：3项措施的整改档案，另附整改台账和进展情况报告`)]);
    const office = new Browser(web);
    await office.signIn('督查科', PASSWORD);
    const res = await office.get(`/dossier.zip?plan=${PLAN_ID}`);
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/zip']);
    for (const bytes of [readFileSync(out), res.rawPayload]) {
      const zip = await JSZip.loadAsync(bytes);
      const root = Object.keys(zip.files)[0].split('/')[0];
      expect(root).toMatch(new RegExp(`^一事一档-${PLAN_ID}-\\d{4}-\\d{2}-\\d{2}$`));
      const files = await checkManifest(zip, `${root}/`);
      const folders = [...new Set([...files.keys()].filter((p) => p.includes('/')).map((p) => p.split('/')[0]))].sort();
      expect(folders).toEqual(['措施1.1-健全政策机制', '措施1.2-全力稳定外资', '措施2.1-清查闲置资产']);
      for (const f of folders) {
        expect(files.has(`${f}/${f.replace(/-.*/, '')}整改档案.docx`)).toBe(true);
        // Each measure's folder is a dossier of its own, its list checked against its files.
        await checkManifest(zip, `${root}/${f}/`);
      }
      for (const [path, content] of Object.entries(UPLOADED)) expect(files.get(`措施1.1-健全政策机制/${path}`)!.equals(content)).toBe(true);
      expect([...files.keys()].filter((p) => p.startsWith('措施1.2') || p.startsWith('措施2.1')).sort()).toEqual(
        [
          '措施1.2-全力稳定外资/文件清单.csv',
          '措施1.2-全力稳定外资/措施1.2整改档案.docx',
          '措施2.1-清查闲置资产/文件清单.csv',
          '措施2.1-清查闲置资产/措施2.1整改档案.docx',
        ].sort(),
      );
      const ledgerName = [...files.keys()].find((p) => p.startsWith('整改台账-'))!;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(files.get(ledgerName)! as unknown as ArrayBuffer);
      const cells = book.worksheets.flatMap((s) => s.getSheetValues().flat().map(String)).join('\n');
      for (const title of ['健全政策机制', '全力稳定外资', '清查闲置资产']) expect(cells).toContain(title);
      const reportName = [...files.keys()].find((p) => p.endsWith('.docx') && p.includes('巡视整改进展情况'))!;
      const report = (await docxParagraphs(files.get(reportName)!)).join('\n');
      expect(report).toContain('巡视整改进展情况');
      expect(report).toContain('整改后仍有反复（反弹回潮）1项');
    }
  });

  it('bad command lines and requests are refused with what and where, and nothing is written', async () => {
    const taken = join(dir, '已有.zip');
    writeFileSync(taken, 'keep');
    const cases: [string[], number, string][] = [
      [['dossier'], 2, '请给出措施编号（如 rectify dossier 1.1），或用 --plan <计划> 导出整个计划的档案'],
      [['dossier', '1.1', '--plan', PLAN_ID, '--out', join(dir, '档案.docx')], 2, `--out 应为 .zip 文件：${join(dir, '档案.docx')}`],
      [['dossier', '1.1', '--plan', PLAN_ID, '--out', taken], 1, `${taken} 已存在；确需覆盖请加 --force`],
      [['dossier', '1.1', '--plan', PLAN_ID, '--out', join(dir, '没有此目录', 'a.zip')], 1, `目录 ${join(dir, '没有此目录')} 不存在`],
      [['dossier', '9.9', '--plan', PLAN_ID, '--out', join(dir, 'a.zip')], 1, `计划 ${PLAN_ID} 中没有措施9.9`],
      [['dossier', '--plan', 'nosuch-2024', '--out', join(dir, 'b.zip')], 1, '没有运行中的计划 nosuch-2024'],
    ];
    for (const [argv, code, words] of cases) {
      const r = await runCli(...argv);
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), code]);
      expect(r.err).toContain(words);
    }
    expect(readFileSync(taken, 'utf8')).toBe('keep');
    expect(['a.zip', 'b.zip', '档案.docx'].filter((f) => existsSync(join(dir, f)))).toEqual([]);
    // --force replaces it.
    const forced = await runCli('dossier', '1.2', '--plan', PLAN_ID, '--out', taken, '--force');
    expect(forced.code).toBe(0);
    expect(Object.keys((await JSZip.loadAsync(readFileSync(taken))).files)).toContain('措施1.2-全力稳定外资/措施1.2整改档案.docx');
  });
});
