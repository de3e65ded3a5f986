/**
 * A day-2 operation as the safety suite replays it: a sequence of edits to the example
 * configuration, each deployed in turn. The suite synthesizes the configuration before and
 * after every step and checks the CloudFormation diff for replaced or deleted stateful
 * resources. Each file in test/safety/operations/ exports `operations: SafetyOperation[]`.
 */

/** The example configuration as parsed YAML, before validation; a step edits it in place. */
export type ConfigDocument = Record<string, any>; // any: the document is the YAML as written

/**
 * A loss of a stateful resource that a step causes on purpose (a decommissioned tenant's load
 * balancer, a node pool the runbook drains first). The suite fails on every other loss, and on
 * an accepted loss that does not happen (a stale exception hides the next real one).
 */
export interface AcceptedLoss {
  /** The stack, as CloudFormation names it: `example-tenant-orders`. */
  readonly stack: string;
  /** The resource type: `AWS::EC2::VPCEndpointService`. */
  readonly type: string;
  /** Only resources whose logical ID starts with this. @default every resource of the type */
  readonly logicalIdPrefix?: string;
  /**
   * What @aws-cdk/cloudformation-diff says happens: replaced (WILL_REPLACE, MAY_REPLACE),
   * deleted (WILL_DESTROY) or removed from the stack but kept (WILL_ORPHAN, DeletionPolicy Retain).
   */
  readonly impact: 'WILL_REPLACE' | 'MAY_REPLACE' | 'WILL_DESTROY' | 'WILL_ORPHAN';
  /** Why this is safe, as the runbook explains it. */
  readonly reason: string;
}

/** One deployment of an operation. */
export interface SafetyStep {
  /** What this deployment does, as the runbook says it. */
  readonly description: string;
  /** Edits the document the previous step left. */
  readonly edit: (doc: ConfigDocument) => void;
  /** Losses of stateful resources this step causes on purpose. @default none */
  readonly accepts?: readonly AcceptedLoss[];
}

/** A day-2 operation. */
export interface SafetyOperation {
  /** The operation, as the runbook names it. */
  readonly name: string;
  /** Its runbook, from the project root (docs/runbooks/*.md). */
  readonly runbook: string;
  /** Edits made before the operation starts, to reach its starting state. @default none */
  readonly setup?: (doc: ConfigDocument) => void;
  /** The deployments, in order. */
  readonly steps: readonly SafetyStep[];
}
