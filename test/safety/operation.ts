/**
 * A day-2 operation as the safety suite replays it: a sequence of edits to the example
 * configuration, each deployed in turn. The suite synthesizes the configuration before and
 * after every step and checks the CloudFormation diff for replaced or deleted stateful
 * resources. Each file in test/safety/operations/ exports `operations: SafetyOperation[]`.
 */

/** The example configuration as parsed YAML, before validation; a step edits it in place. */
export type ConfigDocument = Record<string, any>; // any: the document is the YAML as written

/** One deployment of an operation. */
export interface SafetyStep {
  /** What this deployment does, as the runbook says it. */
  readonly description: string;
  /** Edits the document the previous step left. */
  readonly edit: (doc: ConfigDocument) => void;
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
