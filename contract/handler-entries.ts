/**
 * Names the constructs share with the local stack, in a module that imports nothing from
 * aws-cdk-lib: a local start that reuses the cached synthesized template (local/template-cache.ts)
 * then never loads the CDK, which alone costs about a second.
 */

/** CloudFormation Metadata key of a function's handler module (relative to the project root). */
export const HANDLER_ENTRY_METADATA = 'ticketdrop:entry';

/** The reconciler's handler module; the local stack runs the same one on a timer. */
export const RECONCILER_ENTRY = 'lambdas/reconciler/reconcile.ts';
/** How often the reconciler runs on AWS (the local stack's default period is the same). */
export const RECONCILE_PERIOD_MINUTES = 1;

/** The handler module the execution-ended rule invokes (the local stack runs the same one when an execution ends). */
export const EXECUTION_ENDED_ENTRY = 'lambdas/steps/execution-ended-handler.ts';

/** The live map's sweep (lambdas/realtime/live-map-sweep.ts); the local stack runs the same one on a timer. */
export const LIVE_MAP_SWEEP_ENTRY = 'lambdas/realtime/live-map-sweep.ts';
/** How often the live-map sweep runs on AWS (the local stack's default period is the same). */
export const LIVE_MAP_SWEEP_PERIOD_MINUTES = 1;
