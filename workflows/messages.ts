/** Every message a measure workflow answers, defined once for the workflow and its clients. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  DecideExtensionRequest,
  ReassignRequest,
  ReportProgressRequest,
  RequestExtensionRequest,
  SubmitCompletionRequest,
  VerifyCompletionRequest,
} from '../domain/lifecycle';
import type { MeasureView } from './measure-state';

export const getStateQuery = defineQuery<MeasureView>('getState');

// Changes arrive as Updates with validators: a bad request is rejected before it reaches history.
export const reportProgressUpdate = defineUpdate<MeasureView, [ReportProgressRequest]>('reportProgress');
export const submitCompletionUpdate = defineUpdate<MeasureView, [SubmitCompletionRequest]>('submitCompletion');
export const verifyCompletionUpdate = defineUpdate<MeasureView, [VerifyCompletionRequest]>('verifyCompletion');
export const requestExtensionUpdate = defineUpdate<MeasureView, [RequestExtensionRequest]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<MeasureView, [DecideExtensionRequest]>('decideExtension');
export const reassignUpdate = defineUpdate<MeasureView, [ReassignRequest]>('reassign');
