import type { Service } from '../../k8s/network-policy-evaluator';

/**
 * The Services every EKS cluster has, as the flow models see them, with the example's
 * `cluster.serviceCidr` (172.20.0.0/16): kube-dns, which selects the CoreDNS pods, and
 * `default/kubernetes`, which has no selector: its endpoints are the control plane's network
 * interfaces in the VPC.
 */
export const CLUSTER_SERVICES: readonly Service[] = [
  {
    name: 'kube-dns',
    namespace: 'kube-system',
    clusterIp: '172.20.0.10',
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { port: 53, targetPort: 53, protocol: 'UDP' },
      { port: 53, targetPort: 53, protocol: 'TCP' },
    ],
  },
  {
    name: 'kubernetes',
    namespace: 'default',
    clusterIp: '172.20.0.1',
    ports: [{ port: 443, targetPort: 443, protocol: 'TCP' }],
    endpoints: ['10.40.65.200'],
  },
];
