/**
 * 一事一档, pure: a measure's dossier built from its state, record and timeline (progress with a
 * file, an extension, a completion sent back and one accepted, each with files, a relapse), its
 * wording in official form, the names its files take in the archive, the Word document read back
 * and the list of files.
 */
import { archiveName, measureDossier, measureFolder, unusedName, type Dossier } from '../../domain/dossier';
import { evidenceRef } from '../../domain/evidence';
import { timeline } from '../../domain/timeline';
import { halfWidthTouchingChinese, nestedBrackets } from '../../domain/typography';
import { dossierDocx } from '../../documents/dossier-docx';
import { manifestCsv } from '../../documents/dossier-manifest';
import { docxParagraphs } from '../helpers/docx';
import { bj, MeasureStory, OFFICE } from '../helpers/records';

const file = (name: string, fill: string, size = 1200) => ({ name, sha256: fill.repeat(64), size });
const DRAFT = file('起草稿.pdf', 'a');
const REPORT = file('整改报告.pdf', 'b');
const REVISED = file('整改报告.pdf', 'c', 2_400_000);
const PHOTO = file('现场照片.jpg', 'd');

/** The measure of the acceptance test, told with the lifecycle's own functions. */
function story(): MeasureStory {
  const s = MeasureStory.of({ id: '1.1', title: '健全政策机制', deadline: '2024-06-28' }, bj('2024-01-20 10:00'))
    .progress(bj('2024-03-01 10:00'), `一季度完成调研,形成初稿\n${evidenceRef(DRAFT)}`)
    .extend(bj('2024-06-03 10:00'), '2024-09-30', '需协调省级部门,待省里政策出台后推进')
    .submit(bj('2024-07-01 10:00'), [evidenceRef(REPORT), '印发文件'], '已完成')
    .verify(bj('2024-07-03 10:00'), false, '佐证不足,请补充现场照片')
    .submit(bj('2024-07-10 10:00'), [evidenceRef(REVISED), evidenceRef(PHOTO), evidenceRef(DRAFT)])
    .verify(bj('2024-07-12 10:00'))
    .lookback(bj('2024-10-08 09:00'), bj('2024-10-15 15:00'), 'relapsed', '2024-12-31', '2024年秋季回头看');
  s.delivered({
    at: bj('2024-06-21 09:00'),
    stage: 'v1:deadline:reminder:5',
    kind: 'reminder',
    audiences: ['leadUnit'],
    to: [
      {
        audience: 'leadUnit',
        name: '区发改委',
        email: 'fgw@district.example.org',
        channels: ['mail', 'wecom'],
        messageId: '<m1@example.org>',
      },
    ],
  });
  return s;
}

function dossierOf(s = story(), now = bj('2024-10-20 16:00')): Dossier {
  return measureDossier({ state: s.state, record: s.record(), timeline: timeline(s.state), now });
}

/** Every text a reader of the dossier reads. */
function texts(d: Dossier): string[] {
  return [
    d.name,
    d.planTitle,
    d.madeOn,
    ...d.facts.flat(),
    ...d.deadlines.flatMap(Object.values),
    ...d.extensions,
    ...d.milestones.flatMap(Object.values),
    ...d.completions,
    ...d.lookbacks,
    ...d.timeline.flatMap((e) => [e.date, e.time, e.who, e.what, ...e.to]),
    d.pendingExtension ?? '',
    d.reporting ?? '',
  ].map(String);
}

describe('a measure’s dossier', () => {
  it('numbers every timeline entry in order, with its date (and year), time and who', () => {
    const s = story();
    const entries = timeline(s.state);
    const d = dossierOf(s);
    expect(d.timeline.map((e) => [e.no, e.what])).toEqual(entries.map((e, i) => [i + 1, e.what]));
    expect(d.timeline.every((e) => /^\d{4}年\d{1,2}月\d{1,2}日$/.test(e.date) && /^\d{2}:\d{2}$/.test(e.time))).toBe(true);
    const submitted = d.timeline.filter((e) => e.what.startsWith('提交整改完成'));
    expect(submitted.map((e) => [e.date, e.time, e.who])).toEqual([
      ['2024年7月1日', '10:00', '单位·区发改委'],
      ['2024年7月10日', '10:00', '单位·区发改委'],
    ]);
    const returned = d.timeline.find((e) => e.what.startsWith('核验退回'))!;
    expect([returned.who, returned.what]).toEqual(['巡察办·督查科', '核验退回，理由：佐证不足，请补充现场照片']);
    // A notice names whom it reached and how.
    const notice = d.timeline.find((e) => e.what.includes('整改提醒'))!;
    expect([notice.date, notice.time, notice.who, notice.to]).toEqual([
      '2024年6月21日',
      '09:00',
      '系统',
      ['致牵头单位·区发改委，经邮件、企业微信'],
    ]);
    expect(d.zone).toBe('北京时间');
    expect(d.madeOn).toBe('2024年10月20日');
  });

  it('keeps the particulars, deadlines, extension, completions and the relapse in words', () => {
    const d = dossierOf();
    const facts = Object.fromEntries(d.facts);
    expect(facts).toMatchObject({
      所属计划: '演练计划',
      所属问题: '问题1：高质量发展成效不显',
      整改措施: '措施1.1“健全政策机制”',
      牵头单位: '区发改委',
      负责区领导: '区委常委、常务副区长',
      参与单位: '区财政局',
      整改时限: '2024年12月31日',
      当前状态: '整改中',
      开始跟踪: '2024年1月20日',
    });
    expect(d.deadlines).toEqual([
      { deadline: '2024年6月28日', since: '2024年1月20日', reason: '整改方案确定' },
      { deadline: '2024年9月30日', since: '2024年6月3日', reason: '批准延期，理由：需协调省级部门，待省里政策出台后推进' },
      { deadline: '2024年12月31日', since: '2024年10月15日', reason: '第1次回头看发现反弹回潮：问题反复' },
    ]);
    expect(d.extensions).toEqual([
      '2024年6月3日批准延期，整改时限由2024年6月28日延至2024年9月30日；理由：需协调省级部门，待省里政策出台后推进。',
    ]);
    expect(d.completions).toEqual([
      '第1次提交：2024年7月1日，区发改委提交整改完成，佐证材料：附件“整改报告.pdf”（1 KB）、印发文件；说明：已完成。2024年7月3日，巡察办·督查科核验退回，理由：佐证不足，请补充现场照片。',
      '第2次提交：2024年7月10日，区发改委提交整改完成，佐证材料：附件“整改报告.pdf”（2.3 MB）、附件“现场照片.jpg”（1 KB）、附件“起草稿.pdf”（1 KB）。2024年7月12日，巡察办·督查科核验通过，予以销号。',
    ]);
    expect(d.lookbacks).toEqual([
      '第1次回头看（“2024年秋季回头看”专项）：2024年10月8日开展；2024年10月15日，巡察办·督查科记录结论：反弹回潮，重新整改至2024年12月31日。核查说明：问题反复。',
    ]);
  });

  it('names each evidence file once, in the order submitted, a second file of the same name numbered', () => {
    const d = dossierOf();
    const submits = d.timeline.filter((e) => e.what.startsWith('提交整改完成')).map((e) => e.no);
    const progress = d.timeline.find((e) => e.what.startsWith('报送进展'))!.no;
    expect(d.files).toEqual([
      { sha256: DRAFT.sha256, name: '起草稿.pdf', path: '佐证材料/起草稿.pdf', entries: [progress, submits[1]] },
      { sha256: REPORT.sha256, name: '整改报告.pdf', path: '佐证材料/整改报告.pdf', entries: [submits[0]] },
      { sha256: REVISED.sha256, name: '整改报告.pdf', path: '佐证材料/整改报告（2）.pdf', entries: [submits[1]] },
      { sha256: PHOTO.sha256, name: '现场照片.jpg', path: '佐证材料/现场照片.jpg', entries: [submits[1]] },
    ]);
  });

  it('reads in official form: full-width punctuation, no ISO dates, no brackets within brackets', () => {
    for (const t of texts(dossierOf())) {
      expect([t, halfWidthTouchingChinese(t)]).toEqual([t, []]);
      expect([t, nestedBrackets(t)]).toEqual([t, []]);
      expect(t).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
  });

  it('says milestones, a long-term measure’s reports, a pending extension and a withdrawal', () => {
    const phased = MeasureStory.of({
      id: '2.1',
      kind: 'phased',
      deadline: '2024-12-31',
      milestones: [
        { title: '完成调研', deadline: '2024-03-31' },
        { title: '出台办法', deadline: '2024-06-30' },
        { title: '全面实施', deadline: '2024-12-31' },
      ],
    });
    phased.state.progress.milestonesDone = 1;
    phased.state.pendingExtension = {
      newDeadline: '2025-03-31',
      reason: '需报区政府常务会议审议',
      by: { role: 'unit', who: '区发改委' },
      at: new Date(bj('2024-06-01 10:00')).toISOString(),
    };
    const p = dossierOf(phased);
    expect(p.milestones.map((m) => m.state)).toEqual(['已完成', '进行中', '未开始']);
    expect(p.pendingExtension).toBe('单位·区发改委于2024年6月1日申请延期至2025年3月31日，理由：需报区政府常务会议审议，尚待审批。');
    expect(p.reporting).toBeUndefined();

    const longterm = MeasureStory.of({ id: '3.1', kind: 'longterm' });
    longterm.state.progress.reportsDone = ['2024-03-31', '2024-06-30'];
    const l = dossierOf(longterm);
    expect(l.reporting).toBe('每季度报送进展，已报送2期（截至2024年3月31日、2024年6月30日）。');
    expect(l.deadlines).toEqual([]);
    expect(Object.fromEntries(l.facts).整改时限).toBe('长期坚持');

    const withdrawn = story();
    withdrawn.state.withdrawn = { at: new Date(bj('2024-10-18 10:00')).toISOString(), by: OFFICE, reason: '并入措施1.2' };
    expect(Object.fromEntries(dossierOf(withdrawn).facts).当前状态).toBe('已撤销（2024年10月18日，不再跟踪）');
  });
});

describe('names in the archive', () => {
  it('takes out what file systems refuse, leading dots and overlong names (keeping the extension)', () => {
    expect(archiveName('../报告:终稿?.pdf')).toBe('_报告_终稿_.pdf');
    expect(archiveName('..')).toBe('未命名文件');
    expect(archiveName('a\\b/c<d>e|f*"g".docx')).toBe('a_b_c_d_e_f__g_.docx');
    const long = archiveName(`${'很'.repeat(200)}.pdf`);
    expect([long.length, long.endsWith('.pdf')]).toEqual([120, true]);
    expect(measureFolder('1.1', '健全政策机制/完善制度')).toBe('措施1.1-健全政策机制_完善制度');
  });

  it('numbers a name already taken, ignoring case as Windows does', () => {
    const taken = new Set<string>();
    expect(['报告.pdf', '报告.pdf', 'Photo.JPG', 'photo.jpg', '报告.pdf', '说明'].map((n) => unusedName(n, taken))).toEqual([
      '报告.pdf',
      '报告（2）.pdf',
      'Photo.JPG',
      'photo（2）.jpg',
      '报告（3）.pdf',
      '说明',
    ]);
  });
});

describe('the dossier’s documents', () => {
  it('the Word document lists every timeline entry with who and when, the files, and nothing in half-width punctuation', async () => {
    const d = dossierOf();
    const stored = new Map<string, { size: number } | { missing: string }>(d.files.map((f) => [f.sha256, { size: 1200 }]));
    stored.set(PHOTO.sha256, { missing: '存储中没有此文件' });
    const paragraphs = await docxParagraphs(await dossierDocx(d, stored));
    const text = paragraphs.join('\n');
    expect(paragraphs[0]).toBe('巡视整改一事一档');
    expect(paragraphs[1]).toBe('措施1.1“健全政策机制”');
    for (const heading of ['一、基本情况', '二、整改时限及延期', '三、完成及核验情况', '四、回头看情况', '五、整改经过', '六、佐证材料'])
      expect(paragraphs).toContain(heading);
    // A row of the timeline: its number, date over time, who, what and its recipients, one paragraph each.
    for (const e of d.timeline) {
      const at = paragraphs.indexOf(String(e.no), paragraphs.indexOf('五、整改经过'));
      expect(paragraphs.slice(at, at + 5 + e.to.length)).toEqual([String(e.no), e.date, e.time, e.who, e.what, ...e.to]);
    }
    expect(text).toContain(`共${d.timeline.length}项，按时间先后排列`);
    expect(text).toContain('佐证材料/整改报告（2）.pdf');
    expect(text).toContain('未能取得：存储中没有此文件');
    expect(text).toContain('各文件的SHA-256校验值见“文件清单.csv”');
    expect(halfWidthTouchingChinese(text)).toEqual([]);
    expect(nestedBrackets(text)).toEqual([]);
  });

  it('the list of files: a byte-order mark, CRLF, a header, each file with its size and SHA-256, fields quoted as CSV', () => {
    const csv = manifestCsv([
      { path: '措施1.1整改档案.docx', size: 12345, sha256: 'e'.repeat(64), what: '本措施的整改档案' },
      { path: '佐证材料/报告,终稿.pdf', size: 10, sha256: 'f'.repeat(64), what: '佐证材料，见整改经过第3、7项' },
    ]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '文件,字节数,SHA-256,说明',
      `措施1.1整改档案.docx,12345,${'e'.repeat(64)},本措施的整改档案`,
      `"佐证材料/报告,终稿.pdf",10,${'f'.repeat(64)},佐证材料，见整改经过第3、7项`,
      '',
    ]);
  });
});
