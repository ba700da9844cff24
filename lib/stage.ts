import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * A deployment stage (`-c stage=<name>`): one stack per stage, `TicketDrop-<name>`.
 *
 * Everything that differs between a throwaway stage and production is decided here, once,
 * so constructs ask "what does this stage want" instead of comparing names themselves.
 */
export interface Stage {
  readonly name: string;
  /** Production data lives here: keep it when the stack goes, refuse accidental deletes. */
  readonly isProdLike: boolean;
  /** For stateful resources (tables, log groups). */
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
}

export const DEFAULT_STAGE_NAME = 'dev';

/** Short so `TicketDrop-<stage>` and the names CloudFormation derives from it stay readable. */
export const MAX_STAGE_NAME_LENGTH = 16;

const STAGE_NAME_PATTERN = new RegExp(`^[a-z](?:[a-z0-9-]{0,${MAX_STAGE_NAME_LENGTH - 2}}[a-z0-9])?$`);

/** `prod` itself and its variants (`prod-eu`, ...) hold real buyers' data. */
const PROD_LIKE_PATTERN = /^prod(?:-|$)/;

export class InvalidStageName extends Error {
  constructor(raw: unknown) {
    super(
      `Invalid stage name ${JSON.stringify(raw)}: use 1-${MAX_STAGE_NAME_LENGTH} lowercase letters, ` +
        `digits or hyphens, starting with a letter and not ending with a hyphen (e.g. -c stage=dev).`,
    );
    this.name = 'InvalidStageName';
  }
}

/** Validates a stage name from CDK context; `undefined` (no `-c stage=...`) means the default. */
export function parseStageName(raw: unknown): string {
  if (raw === undefined) return DEFAULT_STAGE_NAME;
  if (typeof raw !== 'string' || !STAGE_NAME_PATTERN.test(raw)) throw new InvalidStageName(raw);
  return raw;
}

export function stageFor(name: string): Stage {
  const isProdLike = PROD_LIKE_PATTERN.test(name);
  return {
    name,
    isProdLike,
    removalPolicy: isProdLike ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProdLike ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
  };
}

export function stageFromContext(raw: unknown): Stage {
  return stageFor(parseStageName(raw));
}

export function stackNameFor(stage: Stage): string {
  return `TicketDrop-${stage.name}`;
}
