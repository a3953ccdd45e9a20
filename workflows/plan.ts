/**
 * A plan in Temporal (`plan:<planId>`): what every worker needs to send the plan's mail (the
 * directory, the policy, the calendar options), answered by a query and changed only by the
 * office's validated Update. It runs as long as the plan; continues as new when the server asks.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PlanWorkflowInput } from '../contracts/inputs';
import { getPlanQuery, updatePlanUpdate } from '../contracts/messages';
import { planChanges, validateUpdatePlan, type PlanView } from '../domain/plan/stored';

export async function planWorkflow(input: PlanWorkflowInput): Promise<void> {
  const view: PlanView = { plan: input.plan, version: input.version ?? 1, changes: input.changes ?? [] };
  setHandler(getPlanQuery, () => view);
  setHandler(
    updatePlanUpdate,
    (r) => {
      view.changes.push({ at: new Date(Date.now()).toISOString(), by: r.actor, reason: r.reason, what: planChanges(view.plan, r.plan) });
      view.plan = r.plan;
      view.version += 1;
      return view;
    },
    { validator: (r) => validateUpdatePlan(view.plan, r) },
  );
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof planWorkflow>({ plan: view.plan, version: view.version, changes: view.changes });
}
