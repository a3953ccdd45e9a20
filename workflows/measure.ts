/**
 * One rectification measure, from assignment on: holds its state, keeps its traffic light
 * and search attributes current, and waits durably for the next instant that matters.
 */
import { condition, continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WorkCalendar } from '../domain/calendar';
import { dueInstant, trafficLight } from '../domain/measure';
import { getStateQuery } from './messages';
import type { MeasureState, MeasureView, MeasureWorkflowInput } from './measure-state';
import * as SA from './search-attributes';

export async function measureWorkflow(input: MeasureWorkflowInput): Promise<void> {
  const { spec } = input;
  const calendar = new WorkCalendar(spec.calendar);
  const state: MeasureState = input.state ?? {
    spec,
    status: 'active',
    deadline: spec.deadline,
    trafficLight: 'green',
    startedAt: new Date(Date.now()).toISOString(),
  };
  let nextChangeAt: number | undefined;
  let published = false;

  setHandler(getStateQuery, (): MeasureView => ({
    ...state,
    workflowId: workflowInfo().workflowId,
    dueAt: state.deadline ? new Date(dueInstant(spec, state.deadline)).toISOString() : undefined,
    nextChangeAt: nextChangeAt ? new Date(nextChangeAt).toISOString() : undefined,
  }));

  const refresh = () => {
    const light = trafficLight(spec, state.deadline, state.status, Date.now(), calendar);
    nextChangeAt = light.nextChangeAt;
    if (light.light !== state.trafficLight || !published) {
      state.trafficLight = light.light;
      published = true;
      upsertSearchAttributes([
        { key: SA.TrafficLight, value: state.trafficLight },
        { key: SA.MeasureStatus, value: state.status },
      ]);
    }
  };

  refresh();
  for (;;) {
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof measureWorkflow>({ spec, state });
    }
    // Wake at the next change of the light; a measure with none left waits for messages.
    const wait = nextChangeAt !== undefined ? Math.max(nextChangeAt - Date.now(), 1) : undefined;
    if (wait === undefined) await condition(() => workflowInfo().continueAsNewSuggested);
    else await condition(() => workflowInfo().continueAsNewSuggested, wait);
    refresh();
  }
}
