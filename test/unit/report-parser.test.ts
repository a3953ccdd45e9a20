import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReport, ReportParseError } from '../../domain/report-parser';

const SEED = readFileSync(join(__dirname, '../fixtures/liangxi-2023-rectification-progress-report.txt'), 'utf8');

describe('parseReport on the published Liangxi report', () => {
  const report = parseReport(SEED);

  it('finds 34 problems and 124 measures, numbered per problem', () => {
    expect(report.problems).toHaveLength(34);
    expect(report.measures).toHaveLength(124);
    expect(report.problems.map((p) => p.no)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    const perProblem = report.problems.map((p) => report.measures.filter((m) => m.problem === p.no).length);
    expect(perProblem).toEqual([3, 6, 2, 3, 3, 4, 3, 5, 5, 4, 3, 3, 4, 5, 5, 4, 3, 3, 5, 3, 5, 5, 3, 2, 3, 4, 4, 4, 4, 2, 4, 3, 3, 2]);
    expect(report.feedbackDate).toBe('2023-10-14');
  });

  it('takes problem titles from inside their quotes, nested quotes included', () => {
    expect(report.problems[0].title).toBe('学习贯彻党的二十大精神存在差距');
    expect(report.problems[15].title).toBe('‘四敢’要求落实不够到位,干部担当作为不够');
    expect(report.problems[21].title).toBe('‘四风’问题未得到根本遏制');
    expect(report.problems[33].title).toBe('审计整改相对滞后');
  });

  it('gives each measure its lead phrase and its full text as published', () => {
    const byId = new Map(report.measures.map((m) => [m.id, m]));
    expect(byId.get('2.2')?.title).toBe('全力稳定外资');
    expect(byId.get('2.2')?.text).toMatch(
      /^全力稳定外资。提高区级产业政策中“支持外资产业项目发展”奖励比例.*茂业投资江苏有限公司成功申报“2023年度重大外资项目奖励”217万元。$/,
    );
    expect(byId.get('1.1')?.title).toBe('全面系统学习');
    expect(byId.get('7.1')?.title).toBe('以重大项目全生命周期管理服务专班为抓手');
    expect(byId.get('15.5')?.title).toBe('即知即改完成退费');
    expect(byId.get('29.1')?.title).toBe('大力提升市民文明素养'); // under 问题整改: instead of 整改情况:
    expect(byId.get('34.1')?.title).toBe('对照问题清单,逐一督促“销号”');
    // Measure texts hold neither the ordinal nor the next measure nor the closing section.
    for (const m of report.measures) {
      expect(m.text.startsWith(m.title)).toBe(true);
      expect(m.text).not.toMatch(/。[二三四五六七八九十]是/);
      expect(m.text).not.toContain('下一步工作打算');
    }
    expect(byId.get('34.2')?.text.endsWith('确保重难点问题如期整改到位。')).toBe(true);
  });
});

describe('parseReport on irregular reports', () => {
  const irregular = [
    '某区巡视整改进展情况',
    '省委巡视组于2024年3月1日至4月30日进行巡视,并于6月5日进行了反馈。',
    '二、整改进展情况及成效',
    '１．关于「招商引资不够有力」问题的整改。',
    '整改情况：一是健全招商机制。成立招商专班，', // full-width colon and commas, line wraps mid-sentence
    '   制定招商考核办法。二是加强项目跟踪。每月调度在谈项目。',
    '2、关于"干部作风不实"问题的整改',
    '问题整改:一是开展作风整顿。查处问题12起。',
    '二是建立长效机制。出台制度3项。三是强化',
    '通报曝光。通报典型案例5起。',
    '3. 关于‘安全生产’问题的整改。',
    '整改进展:一是排查隐患;整改隐患40处。',
    '三、下一步工作打算',
    '一是继续抓好整改。',
  ].join('\n');

  it('accepts full-width digits and punctuation, several quote kinds, 问题整改: and wrapped lines', () => {
    const r = parseReport(irregular);
    expect(r.problems).toEqual([
      { no: 1, title: '招商引资不够有力' },
      { no: 2, title: '干部作风不实' },
      { no: 3, title: '安全生产' },
    ]);
    expect(r.measures.map((m) => [m.id, m.title])).toEqual([
      ['1.1', '健全招商机制'],
      ['1.2', '加强项目跟踪'],
      ['2.1', '开展作风整顿'],
      ['2.2', '建立长效机制'],
      ['2.3', '强化通报曝光'],
      ['3.1', '排查隐患'],
    ]);
    // Wrapped lines are joined; the original full-width punctuation is kept.
    expect(r.measures[0].text).toBe('健全招商机制。成立招商专班，制定招商考核办法。');
    expect(r.measures[4].text).toBe('强化通报曝光。通报典型案例5起。');
    expect(r.feedbackDate).toBe('2024-06-05');
  });

  it('says where a problem has no recognisable measures', () => {
    const broken = '1. 关于“甲”问题的整改。\n整改情况:已经完成。\n2. 关于“乙”问题的整改。\n整改情况:一是做了。';
    expect(() => parseReport(broken)).toThrow(ReportParseError);
    expect(() => parseReport(broken)).toThrow('第2行：问题1“甲”下未找到');
  });

  it('rejects text with no numbered problems', () => {
    expect(() => parseReport('这不是整改报告。')).toThrow('未找到编号的问题标题');
  });
});
