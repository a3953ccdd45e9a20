/**
 * Builds the sample plan config/plans/liangxi-2023.yaml from the published Liangxi report.
 * The problems and measures are the report's; the assignments (leaders, units, kinds,
 * deadlines, emails) are SAMPLE DATA inferred here, by problem and from the units a
 * measure's text names. Run: node dist/scripts/sample-plan.js <report.txt> <out.yaml>
 */
import { readFileSync } from 'node:fs';
import { parseReport } from '../domain/report-parser';
import type { ChatChannel } from '../domain/chat/platforms';
import type { MeasureInput, PlanInput } from '../domain/plan/schema';
import { planText } from '../config/plan-files';
import { writeFileSync } from 'node:fs';

const DOMAIN = 'liangxi.example.org';

/** Role titles only (never names), each with a role mailbox. */
const LEADERS: Record<string, string> = {
  区委书记: 'secretary',
  '区委副书记、区长': 'mayor',
  区委副书记: 'deputy-secretary',
  '区委常委、常务副区长': 'executive-deputy-mayor',
  '区委常委、纪委书记、监委主任': 'discipline-secretary',
  '区委常委、组织部部长': 'organization-head',
  '区委常委、宣传部部长': 'publicity-head',
  '区委常委、政法委书记': 'political-legal-secretary',
  '区委常委、区委办主任': 'office-director',
  '副区长（分管发展改革、商务）': 'deputy-mayor-commerce',
  '副区长（分管城建、城管、生态环境）': 'deputy-mayor-urban',
  '副区长（分管科技、工业）': 'deputy-mayor-industry',
  '副区长（分管民政、卫生健康）': 'deputy-mayor-welfare',
  '副区长（分管应急管理）': 'deputy-mayor-safety',
};

const UNITS: Record<string, string> = {
  区委办: 'qwb',
  区委组织部: 'zzb',
  区委宣传部: 'xcb',
  区委政法委: 'zfw',
  区委编办: 'bb',
  区委巡察办: 'xunchaban',
  区纪委监委: 'jwjw',
  区文明办: 'wmb',
  区发改委: 'fgw',
  区财政局: 'czj',
  区国资办: 'gzb',
  区商务局: 'swj',
  区科技局: 'kjj',
  区工信局: 'gxj',
  区住建局: 'zjj',
  区城管局: 'cgj',
  区审计局: 'sjj',
  区民政局: 'mzj',
  区卫健委: 'wjw',
  区文体旅局: 'wtl',
  区市场监督管理局: 'scjgj',
  区行政审批局: 'spj',
  区人社局: 'rsj',
  区征收办: 'zsb',
  区建管中心: 'jgzx',
  区信访局: 'xfj',
  公安梁溪分局: 'gafj',
  区应急管理局: 'yjj',
  区消防救援大队: 'xfdd',
  梁溪生态环境局: 'sthj',
  自然资源和规划梁溪分局: 'zrzy',
  区投促中心: 'tczx',
  梁溪科技城管理局: 'kjcglj',
  交产集团: 'jcjt',
  梁溪城发集团: 'cfjt',
  区机关事务管理局: 'jgswj',
  区税务局: 'swju',
  区统计局: 'tjj',
  扬名街道: 'ymjd',
  清名桥街道: 'qmqjd',
  山北街道: 'sbjd',
};

/**
 * Group robots for a few units, one of each platform, their secrets named by environment variable
 * only (example values: `rectify dev` sets them and points the platforms at its local double,
 * client/dev-robots.ts; a machine without them reports the robots unreadable and sends nothing).
 */
export const SAMPLE_ROBOTS: Record<string, ChatChannel[]> = {
  区发改委: [{ platform: 'wecom', key: { env: 'LIANGXI_WECOM_KEY_FGW' } }],
  区财政局: [{ platform: 'dingtalk', token: { env: 'LIANGXI_DINGTALK_TOKEN_CZJ' }, secret: { env: 'LIANGXI_DINGTALK_SECRET_CZJ' } }],
  区住建局: [{ platform: 'feishu', hook: { env: 'LIANGXI_FEISHU_HOOK_ZJJ' }, secret: { env: 'LIANGXI_FEISHU_SECRET_ZJJ' } }],
};

/** The names a report writes for a unit, where they differ from the directory's. */
const ALIASES: Record<string, string> = {
  区市场监管局: '区市场监督管理局',
  交产集团: '交产集团',
  区城发集团: '梁溪城发集团',
  梁溪城发集团: '梁溪城发集团',
};

type Kind = MeasureInput['kind'];
const BY_PROBLEM: Record<number, [leader: string, lead: string, participants: string[], kind: Kind]> = {
  1: ['区委常委、宣传部部长', '区委宣传部', ['区委办', '区委组织部'], 'longterm'],
  2: ['区委常委、常务副区长', '区发改委', ['区商务局', '区科技局', '区财政局', '区统计局'], 'deadline'],
  3: ['区委常委、常务副区长', '区国资办', ['区财政局', '交产集团', '梁溪城发集团'], 'phased'],
  4: ['区委常委、常务副区长', '区国资办', ['交产集团', '梁溪城发集团', '区审计局'], 'deadline'],
  5: ['区委常委、常务副区长', '区财政局', ['区国资办', '区纪委监委'], 'phased'],
  6: ['副区长（分管发展改革、商务）', '区投促中心', ['区发改委', '区商务局'], 'deadline'],
  7: ['副区长（分管发展改革、商务）', '区发改委', ['自然资源和规划梁溪分局', '区住建局', '区投促中心'], 'phased'],
  8: ['副区长（分管科技、工业）', '区工信局', ['区税务局', '区商务局', '自然资源和规划梁溪分局'], 'deadline'],
  9: ['区委常委、常务副区长', '自然资源和规划梁溪分局', ['区国资办', '区机关事务管理局'], 'phased'],
  10: ['副区长（分管城建、城管、生态环境）', '梁溪生态环境局', ['区城管局', '区住建局'], 'phased'],
  11: ['副区长（分管发展改革、商务）', '区商务局', ['区发改委', '区科技局'], 'deadline'],
  12: ['副区长（分管科技、工业）', '区工信局', ['区发改委', '梁溪科技城管理局'], 'deadline'],
  13: ['区委常委、宣传部部长', '区文体旅局', ['区委宣传部', '区商务局'], 'deadline'],
  14: ['副区长（分管科技、工业）', '区科技局', ['区人社局', '梁溪科技城管理局'], 'deadline'],
  15: ['区委副书记、区长', '区行政审批局', ['区发改委', '区市场监督管理局', '区纪委监委'], 'deadline'],
  16: ['区委常委、组织部部长', '区委组织部', ['区纪委监委', '区征收办'], 'longterm'],
  17: ['区委书记', '区委办', ['区纪委监委', '区委组织部'], 'longterm'],
  18: ['区委常委、纪委书记、监委主任', '区纪委监委', ['区城管局'], 'longterm'],
  19: ['区委常委、常务副区长', '区财政局', ['区国资办', '区机关事务管理局'], 'deadline'],
  20: ['副区长（分管城建、城管、生态环境）', '区城管局', ['区纪委监委', '区委编办'], 'deadline'],
  21: ['副区长（分管城建、城管、生态环境）', '区建管中心', ['区住建局', '区征收办', '区纪委监委'], 'deadline'],
  22: ['区委常委、纪委书记、监委主任', '区纪委监委', ['区财政局', '区市场监督管理局'], 'longterm'],
  23: ['区委常委、区委办主任', '区委办', ['区纪委监委'], 'immediate'],
  24: ['区委常委、宣传部部长', '区委宣传部', ['区委组织部'], 'deadline'],
  25: ['区委常委、组织部部长', '区委组织部', ['区委编办'], 'deadline'],
  26: ['区委常委、组织部部长', '区委组织部', ['区委办'], 'deadline'],
  27: ['副区长（分管城建、城管、生态环境）', '区住建局', ['区征收办', '梁溪城发集团'], 'phased'],
  28: ['副区长（分管民政、卫生健康）', '区民政局', ['区卫健委'], 'deadline'],
  29: ['区委常委、宣传部部长', '区文明办', ['区城管局', '公安梁溪分局'], 'longterm'],
  30: ['副区长（分管城建、城管、生态环境）', '区住建局', ['区城管局'], 'deadline'],
  31: ['区委常委、政法委书记', '区委政法委', ['区信访局', '公安梁溪分局'], 'deadline'],
  32: ['副区长（分管应急管理）', '区应急管理局', ['区消防救援大队', '区住建局'], 'phased'],
  33: ['区委副书记', '区委巡察办', ['区委办', '区纪委监委'], 'deadline'],
  34: ['区委常委、常务副区长', '区审计局', ['区财政局'], 'longterm'],
};

/** Deadlines by kind, relative to the feedback date 2023-10-14. */
const DEADLINES: Record<Kind, Pick<MeasureInput, 'deadline' | 'milestones'>> = {
  immediate: { deadline: '2023-12-31' },
  deadline: { deadline: '2024-06-30' },
  phased: {
    deadline: '2024-12-31',
    milestones: [
      { title: '摸清底数、制定方案', deadline: '2024-03-31' },
      { title: '集中整治、取得阶段性成效', deadline: '2024-09-30' },
    ],
  },
  longterm: {},
};

function unitsNamed(text: string): string[] {
  const names = [...Object.keys(UNITS), ...Object.keys(ALIASES)];
  const found: { at: number; unit: string }[] = [];
  for (const name of names) {
    const at = text.indexOf(name);
    if (at >= 0) found.push({ at, unit: ALIASES[name] ?? name });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.unit))];
}

export function buildSamplePlan(report: string): PlanInput {
  const parsed = parseReport(report);
  const measures: MeasureInput[] = parsed.measures.map((m) => {
    const [leader, problemLead, problemParticipants, problemKind] = BY_PROBLEM[m.problem];
    const kind: Kind = /即知即改|立行立改/.test(m.title) ? 'immediate' : /计划利用两年时间/.test(m.text) ? 'phased' : problemKind;
    // A measure whose second sentence opens with a unit is that unit's to lead.
    const afterTitle = m.text.slice(m.title.length + 1);
    const opener = Object.keys(UNITS).find((u) => afterTitle.startsWith(u));
    const leadUnit = opener ?? problemLead;
    const participants = [...new Set([...problemParticipants, ...unitsNamed(m.text)])].filter((u) => u !== leadUnit);
    return { ...m, kind, leader, leadUnit, participants, ...DEADLINES[kind] };
  });
  const used = new Set(measures.flatMap((m) => [m.leadUnit, ...(m.participants ?? [])]));
  const leaders = new Set(measures.map((m) => m.leader));
  return {
    id: 'liangxi-2023',
    title: '梁溪区落实省委第十巡视组反馈意见整改方案（示例）',
    feedbackDate: parsed.feedbackDate ?? '2023-10-14',
    timeZone: 'Asia/Shanghai',
    calendar: { unpublishedYears: 'statutory' },
    directory: {
      units: Object.entries(UNITS)
        .filter(([name]) => used.has(name))
        .map(([name, box]) => ({ name, emails: [`${box}@${DOMAIN}`], ...(SAMPLE_ROBOTS[name] ? { channels: SAMPLE_ROBOTS[name] } : {}) })),
      leaders: Object.entries(LEADERS)
        .filter(([role]) => leaders.has(role))
        .map(([role, box]) => ({ role, email: `${box}@${DOMAIN}` })),
      office: { name: '区委巡察办', emails: [`xunchaban@${DOMAIN}`], phone: '0510-8000 0000（示例）', address: '梁溪区行政中心（示例）' },
      leadershipGroup: { name: '区委巡视整改工作领导小组', emails: [`leading-group@${DOMAIN}`] },
    },
    problems: parsed.problems,
    measures,
  };
}

export const SAMPLE_COMMENT = [
  'yaml-language-server: $schema=../plan.schema.json',
  '示例计划：梁溪区2023年巡视整改（省委第十巡视组，2023年10月14日反馈）。',
  '问题与措施原文取自公开的整改进展情况；负责区领导、牵头单位、参与单位、类型、时限和邮箱均为示例数据',
  '（按问题和措施文字推断，邮箱为 example.org），并非该区的实际分工。',
  '区发改委、区财政局、区住建局各有一个群机器人（企业微信、钉钉、飞书）：密钥只写环境变量名，取值为示例，',
  '由 rectify dev 设置并把三个平台指向本机的群机器人替身；未设置这些变量的机器不向群机器人发送，并告知巡察办。',
  'calendar.unpublishedYears: statutory 使 --rebase today 等演示在节假日安排未收录的年份也能运行：按法定节假日临时计算（会给出警告）。',
  '由 scripts/sample-plan.ts 生成，勿手工修改。',
].join('\n');

if (require.main === module) {
  const [report, out] = process.argv.slice(2);
  if (!report || !out) {
    console.error('用法：node dist/scripts/sample-plan.js <report.txt> <out.yaml>');
    process.exit(2);
  }
  writeFileSync(out, planText(out, buildSamplePlan(readFileSync(report, 'utf8')), SAMPLE_COMMENT));
  console.log(`wrote ${out}`);
}
