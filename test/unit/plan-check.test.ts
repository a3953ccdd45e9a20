import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, parseDirectoryText, parsePlanText, type PlanIssue } from '../../domain/plan/load';
import { planJsonSchema } from '../../domain/plan/schema';
import { measureSpecs } from '../../domain/measure';
import { parseHolidayNotice } from '../../domain/holiday-notice';

const FILE = 'plans/drill.yaml';
const SMALL = readFileSync(join(__dirname, '../fixtures/small-plan.yaml'), 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** Replaces one exact snippet of the valid plan, failing loudly if it is not there. */
function broken(from: string, to: string, text = SMALL): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

function errors(text: string, file = FILE): PlanIssue[] {
  const { issues } = parsePlanText(text, file);
  return issues.filter((i) => i.severity === 'error');
}

describe('plan validation', () => {
  it('warns of a lead unit without any address: its mail will be reported to the office instead', () => {
    const { plan, issues } = parsePlanText(broken('    leadUnit: 区财政局\n', '    leadUnit: 区商务局\n'), FILE);
    expect(plan).toBeDefined();
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'measures[1].leadUnit（措施1.2）',
        line: lineOf(SMALL, 'leadUnit: 区财政局'),
        message: '牵头单位没有联系邮箱：区商务局（给它的通知会改为向巡察办报告未送达；在 directory.units 中补充 emails）',
      }),
    ]);
  });

  it('warns of deadlines on days off once per date, with the day they fall due by the one rule', () => {
    const sample = join(__dirname, '../../config/plans/liangxi-2023.yaml');
    const { issues } = parsePlanText(readFileSync(sample, 'utf8'), sample);
    const sunday = issues.filter((i) => i.message.startsWith('2024年6月30日（周日）不是工作日'));
    expect(sunday).toHaveLength(1);
    expect(sunday[0].message).toMatch(
      /^2024年6月30日（周日）不是工作日：按“X前”的规则，于此前最后一个工作日2024年6月28日（周五）到期（措施2\.1、2\.2、.*等72项）$/,
    );
    expect(Number(/等(\d+)项/.exec(sunday[0].message)![1])).toBeGreaterThan(60);
  });

  it('lists every error in one pass: the schema’s and the cross-field checks’, of every measure', () => {
    const text = broken('czj@district.example.org', 'czj-at-district')
      .replace('    kind: deadline\n', '    kind: later\n')
      .replace(
        '    leadUnit: 区发改委\n    participants: [区财政局, 区商务局]',
        '    leadUnit: 区发改局\n    participants: [区财政局, 区商务局]',
      )
      .replace('deadline: 2024-06-28', 'deadline: 2024-06-31');
    const found = errors(text).map((i) => `${i.field}：${i.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^directory\.units\[1\]\.emails\[0\]：邮箱格式错误/),
        expect.stringMatching(/^measures\[0\]\.kind（措施1\.1）：类型应为/),
        'measures[0].leadUnit（措施1.1）：牵头单位不在名录中：区发改局',
        expect.stringMatching(/deadline.*不是有效日期/),
      ]),
    );
    expect(found.filter((f) => f.includes('缺少整改时限'))).toEqual([]); // the bad date is reported once, as itself
  });

  it('accepts the small plan and the shipped sample plan', () => {
    expect(errors(SMALL)).toEqual([]);
    const sample = join(__dirname, '../../config/plans/liangxi-2023.yaml');
    const { plan, issues } = parsePlanText(readFileSync(sample, 'utf8'), sample);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(plan?.measures).toHaveLength(124);
    expect(plan?.problems).toHaveLength(34);
  });

  // Each defect: the edit, and the field, line and message words expected.
  const cases: [name: string, text: string, field: string, line: number, message: RegExp][] = [
    [
      'unknown lead unit',
      broken('    leadUnit: 区财政局\n', '    leadUnit: 区财务局\n'),
      'measures[1].leadUnit（措施1.2）',
      lineOf(SMALL, 'leadUnit: 区财政局'),
      /牵头单位不在名录中：区财务局/,
    ],
    [
      'unknown participant',
      broken('[区财政局, 区商务局]', '[区财政局, 区统计局]'),
      'measures[0].participants[1]（措施1.1）',
      lineOf(SMALL, 'participants: [区财政局'),
      /参与单位不在名录中：区统计局/,
    ],
    [
      'unknown leader',
      broken('    leader: 区委常委、常务副区长\n    leadUnit: 区财政局', '    leader: 副区长\n    leadUnit: 区财政局'),
      'measures[1].leader（措施1.2）',
      lineOf(SMALL, 'leadUnit: 区财政局') - 1,
      /负责区领导不在名录中：副区长/,
    ],
    [
      'duplicate id',
      broken('  - id: "1.2"', '  - id: "1.1"'),
      'measures[1].id（措施1.1）',
      lineOf(SMALL, 'id: "1.2"'),
      /措施编号重复：1.1/,
    ],
    [
      'malformed email',
      broken('czj@district.example.org', 'czj-at-district'),
      'directory.units[1].emails[0]',
      lineOf(SMALL, 'czj@'),
      /邮箱格式错误/,
    ],
    [
      'missing office email',
      broken('    emails: [xunchaban@district.example.org]', '    emails: []'),
      'directory.office.emails',
      lineOf(SMALL, 'xunchaban@'),
      /至少一个联系邮箱/,
    ],
    [
      'milestone after deadline',
      broken('        deadline: 2024-09-30', '        deadline: 2025-01-10'),
      'measures[1].milestones[1].deadline（措施1.2）',
      lineOf(SMALL, 'deadline: 2024-09-30'),
      /晚于整改时限（2024年12月31日）/,
    ],
    [
      'deadline before feedback',
      broken('deadline: 2024-06-28', 'deadline: 2023-12-29'),
      'measures[0].deadline（措施1.1）',
      lineOf(SMALL, 'deadline: 2024-06-28'),
      /早于反馈日期（2024年1月15日）/,
    ],
    [
      'unparseable date',
      broken('deadline: 2024-06-28', 'deadline: 2024-02-30'),
      'measures[0].deadline（措施1.1）',
      lineOf(SMALL, 'deadline: 2024-06-28'),
      /不是有效日期/,
    ],
    [
      'unknown kind',
      broken('kind: phased', 'kind: urgent'),
      'measures[1].kind（措施1.2）',
      lineOf(SMALL, 'kind: phased'),
      /类型应为 immediate \| deadline \| phased \| longterm/,
    ],
    [
      'missing deadline',
      broken('    deadline: 2024-06-28\n', ''),
      'measures[0].deadline（措施1.1）',
      lineOf(SMALL, '  - id: "1.1"'),
      /缺少整改时限/,
    ],
    [
      'phased without milestones',
      broken('kind: phased', 'kind: deadline'),
      'measures[1].milestones（措施1.2）',
      lineOf(SMALL, 'milestones:'),
      /只有分阶段整改/,
    ],
    [
      'unknown field',
      broken('    cadence: quarterly', '    cadense: quarterly'),
      'measures[2]（措施1.3）',
      lineOf(SMALL, '  - id: "1.3"'),
      /未知字段：cadense/,
    ],
    [
      'missing required field',
      broken('    text: 全力稳定外资。提高奖励比例。\n', ''),
      'measures[1].text（措施1.2）',
      lineOf(SMALL, '  - id: "1.2"'),
      /缺少必填字段/,
    ],
    [
      'id of another problem',
      broken('  - id: "1.3"', '  - id: "2.1"'),
      'measures[2].id（措施2.1）',
      lineOf(SMALL, 'id: "1.3"'),
      /与所属问题1不一致/,
    ],
    ['unknown time zone', broken('timeZone: Asia/Shanghai', 'timeZone: Asia/Beijing'), 'timeZone', lineOf(SMALL, 'timeZone:'), /未知时区/],
    [
      'bad send time',
      broken('feedbackDate: 2024-01-15\n', 'feedbackDate: 2024-01-15\npolicy:\n  reminders:\n    sendAt: "9点"\n'),
      'policy.reminders.sendAt',
      lineOf(SMALL, 'feedbackDate') + 3,
      /HH:mm/,
    ],
  ];

  it.each(cases)('rejects %s, naming file, line and field', (_name, text, field, line, message) => {
    const found = errors(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: FILE, field, line });
    expect(found[0].message).toMatch(message);
    expect(formatIssue(found[0])).toMatch(new RegExp(`^错误 plans/drill\\.yaml:${line} `));
  });

  it('reports every error at once', () => {
    let text = broken('    leadUnit: 区财政局\n', '    leadUnit: 区财务局\n');
    text = broken('deadline: 2024-06-28', 'deadline: 2023-12-29', text);
    text = broken('  - id: "1.2"', '  - id: "1.1"', text);
    expect(errors(text).map((e) => e.field)).toEqual([
      'measures[0].deadline（措施1.1）',
      'measures[1].id（措施1.1）',
      'measures[1].leadUnit（措施1.1）',
    ]);
  });

  it('refuses an ASCII question mark in a unit’s or leader’s name, at its line: the production cluster cannot filter by it', () => {
    // Renamed everywhere, so that only the names themselves are wrong.
    const text = SMALL.replaceAll('区商务局', '区商务局?').replaceAll('区委常委、常务副区长', '区委常委?');
    const found = errors(text);
    expect(found.map((e) => [e.field, e.line, e.message])).toEqual([
      ['directory.units[2].name', lineOf(text, '区商务局?'), '不能含英文问号“?”，请用中文问号“？”'],
      ['directory.leaders[0].role', lineOf(text, '区委常委?'), '不能含英文问号“?”，请用中文问号“？”'],
    ]);
  });

  it('rejects a date in a year with no published calendar unless the plan opts in', () => {
    const far = broken(
      '        deadline: 2024-09-30',
      '        deadline: 2099-09-30',
      broken('deadline: 2024-12-31', 'deadline: 2099-12-31'),
    );
    expect(errors(far).map((e) => e.message)).toEqual([
      expect.stringMatching(/^2099年的节假日安排未收录/),
      expect.stringMatching(/^2099年的节假日安排未收录/),
    ]);
    const optedIn = broken('timeZone: Asia/Shanghai\n', 'timeZone: Asia/Shanghai\ncalendar:\n  unpublishedYears: weekdays\n', far);
    const { issues } = parsePlanText(optedIn, FILE);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues.filter((i) => i.severity === 'warning').map((i) => i.message)).toEqual([
      expect.stringMatching(/^2099年节假日安排未收录，该年的日期暂按周一至周五计算/),
    ]);
  });

  it('locates YAML and JSON syntax errors', () => {
    const yamlError = errors(broken('  - no: 1\n', '  - no: [1\n'));
    expect(yamlError[0]).toMatchObject({ field: '(YAML)', line: expect.any(Number) });
    const json = errors('{\n  "id": "x",\n  "title": \n}', 'plan.json');
    expect(json[0]).toMatchObject({ file: 'plan.json', field: '(JSON)', line: 4 });
  });

  it('reads JSON plans with line numbers too', () => {
    const { parse } = jest.requireActual('yaml') as typeof import('yaml');
    const data = parse(SMALL);
    data.measures[0].kind = 'urgent';
    const found = errors(JSON.stringify(data, null, 2), 'plan.json');
    expect(found).toHaveLength(1);
    expect(found[0].field).toBe('measures[0].kind（措施1.1）');
    expect(JSON.stringify(data, null, 2).split('\n')[found[0].line! - 1]).toContain('"kind": "urgent"');
  });

  it('takes a year the plan supplies from the notice importer, and finds what is wrong with one', () => {
    const year = JSON.stringify(
      parseHolidayNotice(readFileSync(join(__dirname, '../fixtures/notices/2027-newspaper.txt'), 'utf8')).arrangement,
    );
    const supplied = broken('timeZone: Asia/Shanghai\n', `timeZone: Asia/Shanghai\ncalendar:\n  years: ${year}\n`).replace(
      'deadline: 2024-06-28',
      'deadline: 2027-02-15',
    );
    const { plan, issues } = parsePlanText(supplied, FILE);
    expect(issues).toEqual([]); // 2027 is published by the plan itself: no provisional warning
    expect(plan!.calendar!.years!['2027'].workdays).toContain('2027-02-14');
    const wrong = supplied.replace('"2027-02-14"', '"2027-02-15"');
    expect(errors(wrong).map((i) => [i.field, i.message])).toEqual([
      ['calendar.years.2027.workdays[0]', '2027-02-15（周一）本是工作日，调休上班日应为周六或周日'],
    ]);
  });

  it('gives each measure workflow the units that may lead it and the calendar years it needs', () => {
    const { plan } = parsePlanText(SMALL, FILE);
    const [spec] = measureSpecs(plan!, '2026-11-29');
    expect(spec.directory).toEqual({ units: ['区发改委', '区财政局'], leaders: ['区委常委、常务副区长'] }); // 区商务局 has no email
    expect(Object.keys(spec.calendar.years!)).toEqual(expect.arrayContaining(['2023', '2024', '2025', '2026']));
    expect(Object.keys(spec.calendar.years!)).not.toContain('2022');
    // Started on 2026-11-29: the statutory arrangement of the unpublished years up to two years ahead.
    expect(Object.keys(spec.calendar.provisionalYears!)).toEqual(['2027', '2028']);
    expect(spec.calendar.provisionalYears!['2027'].holidays).toContain('2027-10-04');
  });

  it('generates a JSON Schema that names the plan fields', () => {
    const schema = planJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['id', 'feedbackDate', 'directory', 'problems', 'measures', 'policy']),
    );
    const committed = JSON.parse(readFileSync(join(__dirname, '../../config/plan.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema))); // regenerate: npm run schema
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'feedbackDate', 'directory', 'problems', 'measures']));
  });
});

/** Official Chinese: no ASCII comma, semicolon, colon or parenthesis touching a Chinese character. */
function expectFullWidth(message: string): void {
  expect(message).not.toMatch(/[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]/);
}

describe('syntax slips: one error per cause, in Chinese, at its line, saying what to fix', () => {
  const SAMPLE_FILE = join(__dirname, '../../config/plans/liangxi-2023.yaml');
  const SAMPLE = readFileSync(SAMPLE_FILE, 'utf8');
  /** The text with its line `line` (1-based) edited. */
  const editLine = (text: string, line: number, edit: (l: string) => string) =>
    text
      .split('\n')
      .map((l, i) => (i === line - 1 ? edit(l) : l))
      .join('\n');
  const kindLine = lineOf(SAMPLE, '    kind: longterm'); // the first measure's kind, after its text

  function only(text: string, file = FILE): PlanIssue {
    const found = errors(text, file);
    expect(found.map((i) => `${i.line} ${i.message}`)).toHaveLength(1);
    expectFullWidth(found[0].message);
    return found[0];
  }

  it('the sample plan with one key indented a space too far: one error at that key’s line (the library said 2, on the line above)', () => {
    const found = only(
      editLine(SAMPLE, kindLine, (l) => ` ${l}`),
      SAMPLE_FILE,
    );
    expect(found).toMatchObject({ field: '(YAML)', line: kindLine });
    expect(found.message).toBe(
      `第${kindLine}行：缩进有误，“kind”比同级的“text”（第${kindLine - 1}行）多缩进了1格；请删去1个空格，使它与“text”对齐`,
    );
  });

  it('the sample plan with one key indented a space too little, or two: one error at its line (the library said 7 and 10)', () => {
    for (const by of [1, 2]) {
      const found = only(
        editLine(SAMPLE, kindLine, (l) => l.slice(by)),
        SAMPLE_FILE,
      );
      expect(found.line).toBe(kindLine);
      expect(found.message).toBe(
        `第${kindLine}行：缩进有误，“kind”比同级的“text”（第${kindLine - 1}行）少缩进了${by}格；请补上${by}个空格，使它与“text”对齐`,
      );
    }
  });

  it('a mis-indented key among nested ones names the sibling it belongs with', () => {
    const line = lineOf(SMALL, '    milestones:');
    const over = only(editLine(SMALL, line, (l) => ` ${l}`));
    expect(over.line).toBe(line);
    expect(over.message).toMatch(/^第\d+行：缩进有误，“milestones”比同级的“deadline”（第41行）多缩进了1格；请删去1个空格/);
    const under = only(editLine(SMALL, line, (l) => l.slice(1)));
    expect(under).toMatchObject({ line });
    expect(under.message).toMatch(/“milestones”比同级的“deadline”（第41行）少缩进了1格；请补上1个空格/);
    // A key that comes first under its parent: the odd one out is the one whose column nothing else uses.
    const office = lineOf(SMALL, '    name: 区委巡察办');
    expect(only(editLine(SMALL, office, (l) => ` ${l}`)).message).toMatch(
      new RegExp(`^第${office}行：缩进有误，“name”比同级的“emails”（第${office + 1}行）多缩进了1格`),
    );
    // A list item.
    const item = lineOf(SMALL, '      - title: 集中整治');
    expect(only(editLine(SMALL, item, (l) => ` ${l}`))).toMatchObject({ line: item, message: expect.stringMatching(/多缩进了1格/) });
    const first = lineOf(SMALL, '  - id: "1.1"');
    expect(only(editLine(SMALL, first, (l) => ` ${l}`))).toMatchObject({
      line: first,
      message: expect.stringMatching(/“- id”比同级的“- id”（第34行）多缩进了1格/),
    });
  });

  it('every line of the small plan indented a space or two too far or too little, or by a tab: where the YAML breaks, one error, at that line', () => {
    const lines = SMALL.split('\n');
    let broken = 0;
    lines.forEach((l, k) => {
      if (!l.trim()) return;
      for (const slip of [' ', '  ', '-1', '-2', '\t']) {
        if (slip.startsWith('-') && !l.startsWith(' '.repeat(Number(slip.slice(1))))) continue;
        const edited = slip === '\t' ? `\t${l.trimStart()}` : slip.startsWith('-') ? l.slice(Number(slip.slice(1))) : slip + l;
        const syntax = errors(editLine(SMALL, k + 1, () => edited)).filter((i) => i.field === '(YAML)');
        if (!syntax.length) continue; // still YAML (a value continued, a list at its key's column): the schema's to say
        broken++;
        expect([JSON.stringify(slip), k + 1, syntax.map((i) => i.line)]).toEqual([JSON.stringify(slip), k + 1, [k + 1]]);
      }
    });
    expect(broken).toBeGreaterThan(240);
  });

  it('a tab as indentation', () => {
    const line = lineOf(SMALL, '    kind: deadline');
    const found = only(editLine(SMALL, line, (l) => `\t${l.trimStart()}`));
    expect(found.line).toBe(line);
    expect(found.message).toBe(
      `第${line}行：行首用了制表符（Tab），YAML 只能用空格缩进；请改为4个空格，使“kind”与同级的“text”（第${line - 1}行）对齐`,
    );
  });

  it('a missing colon, or a colon without its space', () => {
    const line = lineOf(SMALL, '    kind: deadline');
    expect(only(editLine(SMALL, line, (l) => l.replace(': ', ' ')))).toMatchObject({
      line,
      message: `第${line}行：“kind deadline”缺少冒号；键和值之间要用英文冒号加空格隔开，写成“kind: deadline”`,
    });
    expect(only(editLine(SMALL, line, (l) => l.replace(': ', ':')))).toMatchObject({
      line,
      message: `第${line}行：“kind:deadline”的冒号后缺少空格；请写成“kind: deadline”`,
    });
  });

  it('an unclosed quote, double or single: at the line where it opens (the library put the single one at the end of the file)', () => {
    const double = lineOf(SMALL, '  - id: "1.2"');
    expect(only(editLine(SMALL, double, (l) => l.replace('"1.2"', '"1.2')))).toMatchObject({
      line: double,
      message: `第${double}行第9列：引号“"”没有闭合；请在该值的末尾补上“"”`,
    });
    const single = lineOf(SMALL, '    title: 全力稳定外资');
    expect(only(editLine(SMALL, single, (l) => l.replace('全力', "'全力")))).toMatchObject({
      line: single,
      message: `第${single}行第12列：引号“'”没有闭合；请在该值的末尾补上“'”`,
    });
  });

  it('a duplicate key names the line that has it first', () => {
    const line = lineOf(SMALL, '    kind: deadline');
    expect(only(editLine(SMALL, line, (l) => `${l}\n    kind: phased`))).toMatchObject({
      line: line + 1,
      message: `第${line + 1}行：“kind”重复，同一层的第${line}行已有“kind”；请删去其中一个`,
    });
  });

  it('a value with “: ” in it, an unclosed bracket, a value starting with a reserved character', () => {
    const text = lineOf(SMALL, '    text: 健全政策机制');
    expect(only(editLine(SMALL, text, (l) => l.replace('。出台', ': 出台')))).toMatchObject({
      line: text,
      message: `第${text}行：“text”的值中有“: ”（冒号加空格），YAML 会把它当作下一层的键；请给整个值加上英文双引号，写成 text: "…"`,
    });
    const list = lineOf(SMALL, '    participants: [区财政局, 区商务局]');
    expect(only(editLine(SMALL, list, (l) => l.replace(']', '')))).toMatchObject({
      line: list,
      message: `第${list}行：方括号“[”没有闭合；请在列表末尾补上“]”`,
    });
    const title = lineOf(SMALL, '    title: 健全政策机制');
    expect(only(editLine(SMALL, title, (l) => l.replace('健全', '@健全')))).toMatchObject({
      line: title,
      message: `第${title}行第12列：不加引号的值不能以“@”开头；请给整个值加上英文双引号，写成 title: "@健全政策机制"`,
    });
  });

  it('two independent slips: two errors, each at its line; what followed from each is not reported', () => {
    const kind = lineOf(SMALL, '    kind: deadline');
    const cadence = lineOf(SMALL, '    cadence: quarterly');
    const text = editLine(
      editLine(SMALL, kind, (l) => ` ${l}`),
      cadence,
      (l) => `\t${l.trimStart()}`,
    );
    expect(errors(text).map((i) => i.line)).toEqual([kind, cadence]);
  });

  it('a directory file’s slips the same way', () => {
    const text = 'directory:\n  units:\n    - name: 区发改委\n       emails: []\n';
    expect(parseDirectoryText(text, 'names.yaml').issues).toEqual([
      expect.objectContaining({
        line: 4,
        message: '第4行：缩进有误，“emails”比同级的“name”（第3行）多缩进了1格；请删去1个空格，使它与“name”对齐',
      }),
    ]);
  });

  it('a list written without its dashes, and an alias to no anchor: said in Chinese, not in the libraries’ English', () => {
    const line = lineOf(SMALL, '    participants: [区财政局, 区商务局]');
    expect(only(editLine(SMALL, line, () => '    participants: 区财政局'))).toMatchObject({
      line,
      field: 'measures[0].participants（措施1.1）',
      message: '应为列表（每项以“- ”开头），这里是文字',
    });
    const title = lineOf(SMALL, '    title: 健全政策机制');
    expect(only(editLine(SMALL, title, () => '    title: *政策'))).toMatchObject({
      line: title,
      message: 'YAML 别名无效：“*政策”是别名，它前面没有对应的锚点“&政策”；如果这是文字，请给整个值加上英文双引号',
    });
  });

  it('JSON: one error in Chinese at the line of the slip', () => {
    const cases: [string, number, string][] = [
      ['{\n  "id": "x"\n  "title": "y"\n}', 2, '第2行：行末缺少英文逗号；两项之间要用“,”隔开'],
      ['{\n  "id": "x",\n  "title": "y",\n}', 3, '第3行：末尾多了一个逗号；最后一项后面不能有“,”，请删去'],
      ['{\n  "id": "x,\n  "title": "y"\n}', 2, '第2行第9列：引号“"”没有闭合；请在该文字的末尾补上“"”'],
      ['{\n  "id" "x"\n}', 2, '第2行第8列：字段名后缺少英文冒号；请写成 "字段": 值'],
      ["{\n  'id': 'x'\n}", 2, `第2行第3列：无法识别“'id'”；JSON 中的字段名和文字都要用英文双引号括起来`],
      ['{\n  // 注释\n  "id": "x"\n}', 2, '第2行第3列：JSON 中不能写注释；请删去，或改用 YAML 计划文件'],
      ['{\n  "id": "x"\n}\n}', 4, '第4行第1列：文件在此之前已经结束，其后多了内容；请删去多余的“}”'],
    ];
    for (const [text, line, message] of cases) {
      const found = errors(text, 'plan.json');
      expect(found).toEqual([expect.objectContaining({ file: 'plan.json', field: '(JSON)', line, message })]);
      expectFullWidth(message);
    }
  });
});
