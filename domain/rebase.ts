/** Shifts every date of a plan so that its feedback date becomes `to` (for demos and drills). */
import { addDays, daysBetween, type IsoDate } from './dates';
import type { Plan } from './plan/schema';

export function rebasePlan(plan: Plan, to: IsoDate): Plan {
  const delta = daysBetween(plan.feedbackDate, to);
  const shift = (d: IsoDate) => addDays(d, delta);
  return {
    ...plan,
    feedbackDate: to,
    measures: plan.measures.map((m) => ({
      ...m,
      ...(m.deadline ? { deadline: shift(m.deadline) } : {}),
      ...(m.milestones ? { milestones: m.milestones.map((ms) => ({ ...ms, deadline: shift(ms.deadline) })) } : {}),
    })),
  };
}
