/**
 * Version upgrades, as config changes: a PostgreSQL minor (an image tag), a PostgreSQL major
 * (PGO's PGUpgrade, in two deploys), a Kubernetes minor (control plane, then add-ons; node
 * groups follow outside CloudFormation) and an operator upgrade (clusters paused around it).
 * The example's tenant 0 (orders) runs PostgreSQL 17, tenant 1 (analytics) 16.
 */
import type { SafetyOperation } from '../operation';

const REGISTRY = 'registry.example.com/crunchydata';

export const operations: SafetyOperation[] = [
  {
    name: 'Upgrade a tenant to a new PostgreSQL minor version',
    runbook: 'docs/runbooks/minor-upgrade.md',
    setup: (doc) => {
      doc.tenants[0].images = { postgres: { '17': `${REGISTRY}/crunchy-postgres:ubi9-17.5-2520` } };
    },
    steps: [
      {
        description: 'change the image tag of PostgreSQL 17 to 17.6: replicas roll first, then a switchover',
        edit: (doc) => {
          doc.tenants[0].images.postgres['17'] = `${REGISTRY}/crunchy-postgres:ubi9-17.6-2530`;
        },
      },
    ],
  },
  {
    name: 'Upgrade a tenant to a new PostgreSQL major version',
    runbook: 'docs/runbooks/major-upgrade.md',
    steps: [
      {
        description: 'start: upgrade { from: 16, to: 17 } shuts the cluster down and PGO runs pg_upgrade',
        edit: (doc) => {
          doc.tenants[1].upgrade = { from: 16, to: 17 };
        },
      },
      {
        description: 'finish, once the PGUpgrade succeeded: postgresVersion 17, upgrade removed',
        edit: (doc) => {
          doc.tenants[1].postgresVersion = 17;
          delete doc.tenants[1].upgrade;
        },
      },
    ],
  },
  {
    name: 'Upgrade Kubernetes by one minor version',
    runbook: 'docs/runbooks/upgrade-kubernetes.md',
    setup: (doc) => {
      doc.cluster.kubernetesVersion = '1.34';
    },
    steps: [
      {
        description: 'control plane: kubernetesVersion 1.34 -> 1.35 (kubectl layer and autoscaler follow)',
        edit: (doc) => {
          doc.cluster.kubernetesVersion = '1.35';
        },
      },
      {
        description: 'add-ons: pin the versions EKS names as default for 1.35',
        edit: (doc) => {
          // Of the form `aws eks describe-addon-versions --kubernetes-version 1.35` prints; look
          // them up for the real upgrade (the runbook says how).
          doc.cluster.addonVersions = {
            'vpc-cni': 'v1.20.4-eksbuild.2',
            'kube-proxy': 'v1.35.0-eksbuild.2',
            coredns: 'v1.12.4-eksbuild.1',
          };
        },
      },
    ],
  },
  {
    name: 'Upgrade the Postgres Operator with its clusters paused',
    runbook: 'docs/runbooks/upgrade-operator.md',
    steps: [
      {
        description: 'pause every tenant, so the new operator rolls none of them on its own',
        edit: (doc) => {
          for (const tenant of doc.tenants) {
            tenant.paused = true;
          }
        },
      },
      {
        description: 'resume orders alone (the chart version bump is deployed between these steps)',
        edit: (doc) => {
          doc.tenants[0].paused = false;
        },
      },
      {
        description: 'resume analytics once orders is healthy again',
        edit: (doc) => {
          doc.tenants[1].paused = false;
        },
      },
    ],
  },
];
