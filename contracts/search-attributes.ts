/** Custom search attributes of measure workflows: one definition for server set-up, client and workflow. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const PlanId = defineSearchAttributeKey('PlanId', SearchAttributeType.KEYWORD);
export const MeasureId = defineSearchAttributeKey('MeasureId', SearchAttributeType.KEYWORD);
export const LeadUnit = defineSearchAttributeKey('LeadUnit', SearchAttributeType.KEYWORD);
export const Leader = defineSearchAttributeKey('Leader', SearchAttributeType.KEYWORD);
export const MeasureKind = defineSearchAttributeKey('MeasureKind', SearchAttributeType.KEYWORD);
export const MeasureStatus = defineSearchAttributeKey('MeasureStatus', SearchAttributeType.KEYWORD);
export const TrafficLight = defineSearchAttributeKey('TrafficLight', SearchAttributeType.KEYWORD);
export const ProblemNo = defineSearchAttributeKey('ProblemNo', SearchAttributeType.INT);
export const Deadline = defineSearchAttributeKey('Deadline', SearchAttributeType.DATETIME);
/** Look-back state: of a measure scheduled, in-review, sustained, relapsed; of a review pending, sustained, relapsed. */
export const LookbackStatus = defineSearchAttributeKey('LookbackStatus', SearchAttributeType.KEYWORD);

/** The campaign a look-back review belongs to, if the office launched it. */
export const LookbackCampaign = defineSearchAttributeKey('LookbackCampaign', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  PlanId,
  MeasureId,
  LeadUnit,
  Leader,
  MeasureKind,
  MeasureStatus,
  TrafficLight,
  ProblemNo,
  Deadline,
  LookbackStatus,
  LookbackCampaign,
];

/** The form `temporal server start-dev --search-attribute` and the test environments take. */
export function searchAttributeFlags(): Record<string, string> {
  const names: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', DATETIME: 'Datetime' };
  return Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, names[k.type]]));
}

/** temporal.api.enums.v1.IndexedValueType numbers, for the operator service (test servers, set-up). */
export function indexedValueTypes(): Record<string, number> {
  const numbers: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };
  return Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, numbers[k.type]]));
}
