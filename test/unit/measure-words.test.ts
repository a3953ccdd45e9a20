/**
 * What people read about a measure, one function each: official typography, the deadline as
 * written with the day it falls due, the latest word (a closed measure's completion, a relapse,
 * links apart), and the counts by light with closed measures apart.
 */
import { standing } from '../../domain/record';
import { deadlineWords, latestWord } from '../../domain/measure-words';
import { noteWords } from '../../domain/notes';
import { tally, tallyWords } from '../../domain/tally';
import { halfWidthTouchingChinese, officialText } from '../../domain/typography';
import { evidenceRef } from '../../domain/evidence';
import { bj, MeasureStory } from '../helpers/records';

const FILE = evidenceRef({ name: '整改报告.pdf', size: 1_258_291, sha256: 'a'.repeat(64) });

describe('official typography (GB/T 15834)', () => {
  it.each([
    ['截至2026年12月6日,巡视反馈的34个问题中,已整改销号10个;', '截至2026年12月6日，巡视反馈的34个问题中，已整改销号10个；'],
    ['共 124 项: 红灯 0, 黄灯 0', '共124项：红灯0，黄灯0'],
    ['本措施已于 2026年12月6日(周日) 销号', '本措施已于2026年12月6日（周日）销号'],
    ['「2026年冬季回头看」专项', '“2026年冬季回头看”专项'],
    ['他说"好的"!是吗?', '他说“好的”！是吗？'],
  ])('%s → %s', (input, expected) => {
    expect(officialText(input)).toBe(expected);
    expect(halfWidthTouchingChinese(officialText(input))).toEqual([]);
  });

  it.each([
    '共1,000项，完成率63.5%，09:00发送',
    '详见https://www.example.org/a,b;c:d(e)。',
    '联系xb@example.org或0510-1234',
    'rectify worker (dev)',
  ])('leaves numbers, times, URLs, addresses and non-Chinese text alone: %s', (text) => {
    const out = officialText(text);
    for (const kept of ['1,000', '63.5%', '09:00', 'https://www.example.org/a,b;c:d(e)', 'xb@example.org', '(dev)'])
      if (text.includes(kept)) expect(out).toContain(kept);
  });
});

describe('the deadline as written, and the day it falls due', () => {
  it('adds the day it falls due only where it differs', () => {
    expect(deadlineWords('2024-06-28', '2024-06-28')).toBe('2024年6月28日');
    expect(deadlineWords('2024-06-30', '2024-06-28')).toBe('2024年6月30日（逢休息日，2024年6月28日到期）');
    expect(deadlineWords('2024-06-30', '2024-06-28', 'longterm')).toBe('长期坚持');
  });
});

describe('the latest word', () => {
  const word = (s: MeasureStory, at = bj('2024-07-01 12:00')) => {
    const r = s.record();
    return latestWord(r, standing(r, at));
  };

  it('a note: links apart, files by name and size (no digest), official punctuation', () => {
    expect(noteWords(`已完成初稿，正在征求意见。\nhttps://www.example.org/doc/1\n${FILE}`)).toEqual({
      text: '已完成初稿，正在征求意见。附件“整改报告.pdf”（1.2 MB）',
      links: ['https://www.example.org/doc/1'],
    });
    const w = word(MeasureStory.of().progress(bj('2024-05-10 10:00'), '已完成初稿,正在征求意见。\nhttps://www.example.org/doc/1'));
    expect(w).toMatchObject({
      kind: 'progress',
      date: '2024-05-10',
      text: '已完成初稿，正在征求意见。',
      links: ['https://www.example.org/doc/1'],
    });
  });

  it('a closed measure: its completion, the evidence named, verified when and by whom; not the note before it', () => {
    const s = MeasureStory.of({ deadline: '2024-06-28' })
      .progress(bj('2024-05-10 10:00'), '正在征求区财政局意见。')
      .submit(bj('2024-06-20 10:00'), ['https://www.example.org/notice', FILE], '已印发实施意见')
      .verify(bj('2024-06-24 15:00'));
    expect(word(s)).toEqual({
      kind: 'closed',
      date: '2024-06-24',
      text: '2024年6月20日提交整改完成：已印发实施意见。佐证材料：附件“整改报告.pdf”（1.2 MB）。2024年6月24日经巡察办·督查科核验通过，予以销号。',
      links: ['https://www.example.org/notice'],
      by: '巡察办·督查科',
    });
    // Before the verification it was submitted, waiting for the office.
    expect(word(s, bj('2024-06-21 12:00'))).toMatchObject({ kind: 'submitted', text: expect.stringContaining('待巡察办核验。') });
    // The memo's compact record gives the same word.
    const compact = s.record('latest');
    expect(latestWord(compact, standing(compact, bj('2024-07-01 12:00')))).toEqual(word(s));
  });

  it('sent back: the office’s reason; a later note is the latest word again', () => {
    const s = MeasureStory.of().submit(bj('2024-06-20 10:00')).verify(bj('2024-06-21 10:00'), false, '佐证材料不全');
    expect(word(s)).toMatchObject({ kind: 'rejected', text: '经巡察办·督查科核验退回，理由：佐证材料不全。请继续整改后重新提交。' });
    s.progress(bj('2024-06-25 10:00'), '已补充会议纪要');
    expect(word(s)).toMatchObject({ kind: 'progress', text: '已补充会议纪要。' });
  });

  it('a relapsed measure: its relapse, with the new deadline and the findings', () => {
    const s = MeasureStory.of({ deadline: '2024-03-29' })
      .submit(bj('2024-03-20 10:00'))
      .verify(bj('2024-03-25 10:00'))
      .lookback(bj('2024-06-03 09:00'), bj('2024-06-10 15:00'), 'relapsed', '2024-08-30');
    expect(word(s)).toMatchObject({
      kind: 'relapsed',
      date: '2024-06-10',
      text: '第1次回头看发现反弹回潮，重新整改，整改时限调整为2024年8月30日。核查说明：问题反复。',
    });
  });
});

describe('counting', () => {
  it('counts closed measures apart from the lights, and says so in one sentence', () => {
    const t = tally([
      { status: 'active', light: 'red' },
      { status: 'active', light: 'green' },
      { status: 'closed', light: 'green' },
      { status: 'submitted', light: 'yellow' },
      { status: undefined, light: undefined },
    ]);
    expect(t).toEqual({ total: 5, red: 1, yellow: 1, green: 1, closed: 1, starting: 1 });
    expect(tallyWords(t)).toBe('共5项：红灯1项，黄灯1项，绿灯1项，已销号1项（正在启动1项，稍后再查）');
  });
});
