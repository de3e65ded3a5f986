/**
 * How the Amazon VPC CNI decides whether a connection is allowed by NetworkPolicies, written
 * down once so tests can evaluate generated policies against the flows a tenant needs.
 *
 * Sources (read them before changing a rule here):
 * - aws/amazon-network-policy-controller-k8s, `pkg/resolvers/endpoints.go`: turns each policy
 *   into addresses. ipBlock peers become exactly their CIDR (minus `except`), with numeric
 *   ports only. Pod and namespace selector peers become the IPs of the matching pods and, for
 *   egress only, the ClusterIPs of non-headless Services in the selected namespaces whose
 *   `spec.selector`, read as a label set, matches the peer's pod selector
 *   (`getMatchingServiceClusterIPs`). A Service without a selector is the empty label set, which
 *   no non-empty pod selector matches. A rule without peers allows every address.
 * - aws/aws-network-policy-agent: enforces those addresses with eBPF programs on the pod's
 *   host-side veth. Egress is seen there before kube-proxy rewrites a ClusterIP to a pod, so a
 *   connection to a Service is checked against the ClusterIP and the Service port; ingress is
 *   checked at the destination pod after the rewrite, against the source pod's IP and the
 *   target port. Traffic from the pod's own node is always allowed (kubelet probes, PR #65).
 *   Replies of allowed connections pass (connection tracking).
 * - Kubernetes NetworkPolicy semantics: a pod selected by no policy of a direction is open in
 *   that direction; once selected, only the union of the selecting policies' rules is allowed.
 */

import { cidrContains, toIpv4Cidr } from '../lib/config/cidr';

/** Labels, or a Service selector. */
export type Labels = Readonly<Record<string, string>>;

/** A label selector as NetworkPolicies spell it. */
export interface LabelSelector {
  /** Labels that must all be present with these values. */
  readonly matchLabels?: Labels;
  /** Set-based requirements. */
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    readonly values?: readonly string[];
  }>;
}

/** A NetworkPolicy as synthesized (`Testing.synth`), the fields the VPC CNI reads. */
export interface NetworkPolicyObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly PolicyRule[];
    readonly egress?: readonly PolicyRule[];
  };
}

/** One ingress or egress rule. */
export interface PolicyRule {
  /** Ingress peers. */
  readonly from?: readonly PolicyPeer[];
  /** Egress peers. */
  readonly to?: readonly PolicyPeer[];
  /** Ports; absent or empty means every port. */
  readonly ports?: ReadonlyArray<{
    readonly protocol?: string;
    readonly port?: number | string;
    readonly endPort?: number;
  }>;
}

/** A rule peer. */
export interface PolicyPeer {
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
}

/** A pod of the modelled cluster. */
export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ip: string;
  /** The node's address: the source of kubelet probes. */
  readonly nodeIp: string;
}

/** A Service of the modelled cluster. */
export interface Service {
  readonly name: string;
  readonly namespace: string;
  /** `None` for a headless Service. */
  readonly clusterIp: string;
  /** Absent for a Service without selector: its endpoints are written by someone else. */
  readonly selector?: Labels;
  readonly ports: ReadonlyArray<{
    readonly port: number;
    readonly targetPort: number;
    readonly protocol: string;
  }>;
  /** Endpoints of a Service without selector: the addresses kube-proxy sends to. */
  readonly endpoints?: readonly string[];
}

/** The cluster state the policies are evaluated in. */
export interface ClusterModel {
  readonly namespaces: ReadonlyArray<{ readonly name: string; readonly labels: Labels }>;
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly policies: readonly NetworkPolicyObject[];
}

/** A new connection: who opens it, and the address and port it is opened to. */
export interface Connection {
  /** A pod of the model, or an address outside any pod (a load balancer, a node, the internet). */
  readonly from: Pod | { readonly ip: string };
  /** The address the client connects to: a pod IP, a ClusterIP, or anything else. */
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** The verdict, with the step that decided it. */
export interface Verdict {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Decides a connection the way the VPC CNI's controller and agent do (see the file comment). */
export function evaluateConnection(model: ClusterModel, connection: Connection): Verdict {
  const source = 'name' in connection.from ? connection.from : undefined;
  if (source && !egressAllowed(model, source, connection)) {
    return {
      allowed: false,
      reason: `egress of ${source.namespace}/${source.name} to ${connection.to}:${connection.port}`,
    };
  }
  const service = model.services.find((s) => s.clusterIp === connection.to);
  const backends = service
    ? serviceBackends(model, service, connection)
    : [{ ip: connection.to, port: connection.port }];
  if (backends.length === 0) {
    return { allowed: false, reason: `no endpoint behind ${connection.to}:${connection.port}` };
  }
  for (const backend of backends) {
    // A selector-less Service may point at another ClusterIP (PGO's <cluster>-primary does, via DNS).
    const pod = model.pods.find((p) => p.ip === backend.ip);
    if (pod && !ingressAllowed(model, pod, connection.from.ip, backend.port, connection.protocol)) {
      return { allowed: false, reason: `ingress of ${pod.namespace}/${pod.name} on ${backend.port}` };
    }
  }
  return { allowed: true, reason: 'allowed' };
}

/** Where kube-proxy sends a connection to a ClusterIP: the pods the selector picks, or the written endpoints. */
function serviceBackends(
  model: ClusterModel,
  service: Service,
  connection: Connection,
): { ip: string; port: number }[] {
  const servicePort = service.ports.find(
    (p) => p.port === connection.port && p.protocol === connection.protocol,
  );
  if (!servicePort) {
    return [];
  }
  const ips = service.selector
    ? model.pods
        .filter((pod) => pod.namespace === service.namespace && matchesLabels(service.selector!, pod.labels))
        .map((pod) => pod.ip)
    : [...(service.endpoints ?? [])];
  return ips.map((ip) => ({ ip, port: servicePort.targetPort }));
}

function egressAllowed(model: ClusterModel, pod: Pod, connection: Connection): boolean {
  const selecting = selectingPolicies(model, pod, 'Egress');
  if (selecting.length === 0) {
    return true;
  }
  return selecting.some((policy) =>
    (policy.spec.egress ?? []).some((rule) => {
      const peers = rule.to ?? [];
      if (peers.length === 0) {
        return portAllowed(rule, connection.port, connection.protocol);
      }
      return peers.some((peer) => {
        if (peer.ipBlock) {
          return (
            inIpBlock(peer.ipBlock, connection.to) && portAllowed(rule, connection.port, connection.protocol)
          );
        }
        const namespaces = peerNamespaces(model, policy, peer);
        const toPod = model.pods.some(
          (p) =>
            p.ip === connection.to && namespaces.includes(p.namespace) && matches(peer.podSelector, p.labels),
        );
        if (toPod) {
          return portAllowed(rule, connection.port, connection.protocol);
        }
        // getMatchingServiceClusterIPs: the peer's pod selector against the Service's selector as a label set.
        return model.services.some(
          (s) =>
            s.clusterIp === connection.to &&
            s.clusterIp !== 'None' &&
            namespaces.includes(s.namespace) &&
            matches(peer.podSelector, s.selector ?? {}) &&
            serviceListenPortAllowed(rule, s, connection),
        );
      });
    }),
  );
}

function ingressAllowed(
  model: ClusterModel,
  pod: Pod,
  sourceIp: string,
  port: number,
  protocol: string,
): boolean {
  if (sourceIp === pod.nodeIp) {
    return true;
  }
  const selecting = selectingPolicies(model, pod, 'Ingress');
  if (selecting.length === 0) {
    return true;
  }
  const source = model.pods.find((p) => p.ip === sourceIp);
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule) => {
      const peers = rule.from ?? [];
      if (peers.length === 0) {
        return portAllowed(rule, port, protocol);
      }
      return peers.some((peer) => {
        if (peer.ipBlock) {
          return inIpBlock(peer.ipBlock, sourceIp) && portAllowed(rule, port, protocol);
        }
        return (
          source !== undefined &&
          peerNamespaces(model, policy, peer).includes(source.namespace) &&
          matches(peer.podSelector, source.labels) &&
          portAllowed(rule, port, protocol)
        );
      });
    }),
  );
}

/** Policies of the pod's namespace that select it and enforce `type`. */
function selectingPolicies(model: ClusterModel, pod: Pod, type: 'Ingress' | 'Egress'): NetworkPolicyObject[] {
  return model.policies.filter(
    (policy) =>
      policy.metadata.namespace === pod.namespace &&
      matches(policy.spec.podSelector, pod.labels) &&
      policyTypes(policy).includes(type),
  );
}

/** Kubernetes' default: Ingress always, Egress when there are egress rules. */
function policyTypes(policy: NetworkPolicyObject): readonly string[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function peerNamespaces(model: ClusterModel, policy: NetworkPolicyObject, peer: PolicyPeer): string[] {
  if (!peer.namespaceSelector) {
    return [policy.metadata.namespace];
  }
  return model.namespaces.filter((ns) => matches(peer.namespaceSelector, ns.labels)).map((ns) => ns.name);
}

/**
 * Whether a rule's ports admit `port`. The controller drops named ports for CIDR rules
 * (`convertToPolicyInfoPortForCIDRs`); for pods it resolves them from container ports, which
 * this model does not carry, so named ports never match here.
 */
function portAllowed(rule: PolicyRule, port: number, protocol: string): boolean {
  const ports = rule.ports ?? [];
  if (ports.length === 0) {
    return true;
  }
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) {
      return false;
    }
    if (p.port === undefined) {
      return true;
    }
    if (typeof p.port !== 'number') {
      return false;
    }
    return port >= p.port && port <= (p.endPort ?? p.port);
  });
}

/** Policy ports name the target port; the controller admits the Service port that maps to it. */
function serviceListenPortAllowed(rule: PolicyRule, service: Service, connection: Connection): boolean {
  const servicePort = service.ports.find(
    (p) => p.port === connection.port && p.protocol === connection.protocol,
  );
  return servicePort !== undefined && portAllowed(rule, servicePort.targetPort, connection.protocol);
}

function inIpBlock(block: { cidr: string; except?: readonly string[] }, ip: string): boolean {
  return cidrHas(block.cidr, ip) && !(block.except ?? []).some((except) => cidrHas(except, ip));
}

function cidrHas(cidr: string, ip: string): boolean {
  return cidrContains(toIpv4Cidr(cidr), ip);
}

/** A selector: absent selects everything (the controller's `labels.Everything()`). */
function matches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) {
    return true;
  }
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    const present = expression.key in labels;
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        return present && values.includes(labels[expression.key]);
      case 'NotIn':
        return !present || !values.includes(labels[expression.key]);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        throw new Error(`unknown selector operator ${expression.operator}`);
    }
  });
  return byLabels && byExpressions;
}

function matchesLabels(selector: Labels, labels: Labels): boolean {
  return matches({ matchLabels: selector }, labels);
}
