/**
 * The rectification plan file (YAML or JSON): one zod schema is the source of truth for
 * validation, the TypeScript types and the JSON Schema that editors use.
 * Cross-references (units, leaders, problems, dates against each other) are checked in check.ts.
 */
import { z } from 'zod';
import { UNPUBLISHED_RULES } from '../calendar';
import { isIsoDate, isValidTimeZone } from '../dates';
import { chatChannel } from '../chat/platforms';
import { MEASURE_ID_PATTERN, PLAN_ID_PATTERN, UNFILTERABLE } from './ids';

const isoDate = z
  .string({ error: '应为日期字符串 YYYY-MM-DD' })
  .refine(isIsoDate, { message: '不是有效日期（应为 YYYY-MM-DD，如2024-03-31）' })
  .meta({ format: 'date' });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间应为 HH:mm（24小时制）');
const email = z.email({ error: '邮箱格式错误' });
const nonEmpty = z.string({ error: '应为文本' }).trim().min(1, '不能为空');
/** A unit's or leader's name: the ledger, the CLI and campaigns filter by it (ids.ts, UNFILTERABLE). */
const filterable = nonEmpty.refine((s) => !s.includes(UNFILTERABLE), '不能含英文问号“?”，请用中文问号“？”');
const workdays = z.number().int('应为整数').min(0, '不能为负');

export const MEASURE_KINDS = ['immediate', 'deadline', 'phased', 'longterm'] as const;
export const measureKind = z.enum(MEASURE_KINDS, { error: `类型应为 ${MEASURE_KINDS.join(' | ')}` });
export type MeasureKind = z.infer<typeof measureKind>;

export const CADENCES = ['monthly', 'quarterly', 'semiannual', 'annual'] as const;
export const cadence = z.enum(CADENCES, { error: `报送周期应为${CADENCES.join(' | ')}` });
export type Cadence = z.infer<typeof cadence>;

export const AUDIENCES = ['leadUnit', 'leader', 'office', 'leadershipGroup'] as const;
export const audience = z.enum(AUDIENCES, { error: `通知对象应为${AUDIENCES.join(' | ')}` });
export type Audience = z.infer<typeof audience>;

const escalationLevel = z.strictObject({
  afterWorkdays: workdays.describe('Working days after the deadline at which this level starts'),
  notify: z.array(audience).min(1, '至少一个通知对象'),
});

/** Every field is optional so that the same shape serves plan, kind and measure overrides. */
export const policyOverride = z
  .strictObject({
    reminders: z
      .strictObject({
        offsetsWorkdays: z.array(workdays).describe('Reminders this many working days before the deadline'),
        sendAt: clock.describe('Local time of day at which notices are sent on working days'),
      })
      .partial(),
    dueAt: clock.describe('A measure is due at this local time on its deadline day'),
    escalation: z
      .strictObject({
        levels: z.array(escalationLevel).min(1, '至少一级'),
        repeatEveryWorkdays: z.number().int().min(1).describe('Repeat the top level every N working days until resolved'),
      })
      .partial(),
    reporting: z
      .strictObject({
        cadence: cadence.describe('Progress reporting cadence of long-term measures'),
        reminderOffsetsWorkdays: z.array(workdays),
      })
      .partial(),
    lookback: z.strictObject({ delaysDays: z.array(z.number().int().min(1)) }).partial(),
  })
  .partial();
export type PolicyOverride = z.infer<typeof policyOverride>;

export const planPolicy = policyOverride.extend({
  byKind: z.partialRecord(measureKind, policyOverride).optional().describe('Overrides for one kind of measure'),
  leadershipDigest: z
    .union([
      z.literal(false),
      z
        .strictObject({
          weekday: z.number().int().min(1).max(7).describe('Day of the week, 1 = Monday … 7 = Sunday'),
          at: clock.describe('Local time of day'),
        })
        .partial(),
    ])
    .optional()
    .describe('The weekly digest to the leadership group and the office (default Monday 09:00; false: none)'),
});
export type PlanPolicy = z.infer<typeof planPolicy>;

/** Group robots in work chats beside the mailbox (domain/chat/platforms.ts): secrets by reference only. */
const channels = z.array(chatChannel).optional().describe('Group robots（企业微信、钉钉、飞书）that get the same notices as the emails');
const group = z.strictObject({ name: nonEmpty, emails: z.array(email).min(1, '至少一个联系邮箱'), channels });
/** A unit's emails may be empty while it only participates; a lead unit needs one (check.ts). */
const unit = z.strictObject({ name: filterable, emails: z.array(email).default([]), channels });

export const directory = z.strictObject({
  units: z.array(unit).describe('Units（单位）by name, with contact emails'),
  leaders: z
    .array(z.strictObject({ role: filterable.describe('Role title, e.g. 区委常委、常务副区长'), email, channels }))
    .describe('Responsible district leaders（负责区领导）by role title'),
  office: group
    .extend({
      phone: nonEmpty.optional().describe('Telephone, shown in every mail as whom to contact'),
      address: nonEmpty.optional().describe('Postal or office address, shown in every mail'),
    })
    .describe('The inspection office（巡察办）：the sender of every mail and the contact in it'),
  leadershipGroup: group.describe('The leadership group（领导小组）'),
});
export type Directory = z.infer<typeof directory>;

const milestone = z.strictObject({ title: nonEmpty, deadline: isoDate });

export const measure = z.strictObject({
  id: z.string({ error: '应为文本，如 "2.3"' }).regex(MEASURE_ID_PATTERN, '编号应为“问题号.序号”，如 "2.3"'),
  problem: z.number({ error: '应为问题序号（整数）' }).int().min(1),
  title: nonEmpty.describe('Lead phrase, e.g. 全力稳定外资'),
  text: nonEmpty.describe('Full text of the measure'),
  kind: measureKind,
  leader: nonEmpty.describe('Role title of the responsible district leader'),
  leadUnit: nonEmpty,
  participants: z.array(nonEmpty).default([]),
  deadline: isoDate.optional().describe('整改时限；required except for long-term measures'),
  milestones: z.array(milestone).optional().describe('Phased measures: stages, each with its deadline'),
  cadence: cadence.optional().describe('Long-term measures: reporting cadence (default: the policy)'),
  policy: policyOverride.optional(),
  progress: nonEmpty.optional().describe("整改进展 as the ledger had it when the plan was imported: the measure's first progress note"),
});
export type Measure = z.infer<typeof measure>;
export type MeasureInput = z.input<typeof measure>;

/** One year's arrangement: the State Council's notice as `rectify calendar import` reads it. */
export const calendarYear = z.strictObject({
  holidays: z.array(isoDate).describe('Days off（放假、补休）'),
  workdays: z.array(isoDate).describe('调休 weekend working days（上班）'),
});
export const calendarYears = z.record(z.string().regex(/^\d{4}$/, '年份键应为四位数字'), calendarYear);

export const calendarOptions = z.strictObject({
  unpublishedYears: z
    .enum(UNPUBLISHED_RULES, { error: `应为${UNPUBLISHED_RULES.join(' | ')}` })
    .default('error')
    .describe('A year without a published arrangement: error, statutory holidays (provisional) or Monday to Friday (provisional)'),
  years: calendarYears.optional().describe('Arrangements the plan supplies, by year (rectify calendar import makes one from the notice)'),
});

export const plan = z.strictObject({
  id: z.string({ error: '应为文本' }).regex(PLAN_ID_PATTERN, '计划编号只能用小写字母、数字和连字符'),
  title: nonEmpty,
  feedbackDate: isoDate.describe('巡视反馈日期'),
  timeZone: z.string().refine(isValidTimeZone, '未知时区').default('Asia/Shanghai'),
  calendar: calendarOptions.optional(),
  directory,
  policy: planPolicy.default({}),
  problems: z.array(z.strictObject({ no: z.number().int().min(1), title: nonEmpty })).min(1, '至少一个问题'),
  measures: z.array(measure).min(1, '至少一项整改措施'),
});
export type Plan = z.infer<typeof plan>;
export type PlanInput = z.input<typeof plan>;

/** JSON Schema for editors (draft 2020-12), generated from the zod schema. */
export function planJsonSchema(): object {
  return {
    $id: 'https://example.org/rectify/plan.schema.json',
    title: 'rectify plan（整改方案）',
    ...z.toJSONSchema(plan, { io: 'input', unrepresentable: 'any' }),
  };
}
