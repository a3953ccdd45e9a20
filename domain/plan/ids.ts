/** How a plan is named, for plan files and for the scopes of accounts alike (a leaf: the schema and the permissions both read it). */
export const PLAN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
