/** How a plan is named, for plan files and for the scopes of accounts alike (a leaf: the schema and the permissions both read it). */
export const PLAN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** How a measure is numbered: 问题号.序号, as "2.3". */
export const MEASURE_ID_PATTERN = /^\d+\.\d+$/;

/**
 * A character no name that is filtered on may hold: the production cluster's PostgreSQL visibility
 * turns an ASCII question mark inside a filter's value into a query parameter and fails the query
 * (temporalio/temporal#11797, open). Chinese prose uses the full-width “？” in any case.
 */
export const UNFILTERABLE = '?';
