/** Every message a measure workflow answers, defined once for the workflow and its clients. */
import { defineQuery } from '@temporalio/workflow';
import type { MeasureView } from './measure-state';

export const getStateQuery = defineQuery<MeasureView>('getState');
