import type * as eks from 'aws-cdk-lib/aws-eks-v2';

/** A node label (key and value) that selects a node pool. */
export interface NodePoolSelector {
  /** Label key. */
  readonly key: string;
  /** Label value. */
  readonly value: string;
}

/** Properties shared by the platform components installed from a Helm chart on the system pool. */
export interface SystemChartProps {
  /** The cluster to install on. */
  readonly cluster: eks.ICluster;
  /** Chart repository URL. */
  readonly repository: string;
  /** Chart name. */
  readonly chart: string;
  /** Chart version. */
  readonly version: string;
  /** Node label (key and value) of the pool the component runs on. */
  readonly nodeSelector: NodePoolSelector;
}

/** Requests and limits of a small controller: it watches a few objects per tenant. */
export const SMALL_CONTROLLER_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '200m', memory: '256Mi' },
};

/**
 * The chart values that place one component on the pool `nodeSelector` names, with
 * `resources` as its requests and limits.
 */
export function systemPoolPlacement(
  nodeSelector: NodePoolSelector,
  resources: typeof SMALL_CONTROLLER_RESOURCES = SMALL_CONTROLLER_RESOURCES,
): { nodeSelector: Record<string, string>; resources: typeof SMALL_CONTROLLER_RESOURCES } {
  return { nodeSelector: { [nodeSelector.key]: nodeSelector.value }, resources };
}
