/**
 * Tenants come and go: adding one creates a stack and touches no other; decommissioning one
 * first prepares the destroy (docs/runbooks/decommission-tenant.md), then `cdk destroy`
 * deletes what serves the tenant and keeps what its data needs.
 */
import type { ConfigDocument, SafetyOperation } from '../operation';

const STACK = 'example-tenant-orders';

const withoutOrders = (doc: ConfigDocument) => {
  doc.tenants = doc.tenants.filter((tenant: { name: string }) => tenant.name !== 'orders');
};

export const operations: SafetyOperation[] = [
  {
    name: 'Add a tenant',
    runbook: 'docs/runbooks/add-tenant.md',
    steps: [
      {
        description: 'add the tenant billing and deploy its stack',
        edit: (doc) => {
          doc.tenants.push({
            name: 'billing',
            postgresVersion: 17,
            replicas: 2,
            cpu: '1',
            memory: '4Gi',
            storage: '50Gi',
            users: [{ name: 'billing-app', databases: ['billing'] }],
            privateLink: { allowedPrincipals: ['444444444444'] },
          });
        },
      },
    ],
  },
  {
    name: 'Decommission a tenant',
    runbook: 'docs/runbooks/decommission-tenant.md',
    steps: [
      {
        description: 'set decommission: true and deploy: no new endpoints, protections off',
        edit: (doc) => {
          doc.tenants[0].decommission = true;
        },
      },
      {
        description: 'take the last backup, cdk destroy the tenant stack, remove the tenant from the config',
        edit: withoutOrders,
        accepts: [
          {
            stack: STACK,
            type: 'Custom::AWSCDK-EKS-KubernetesResource',
            impact: 'WILL_DESTROY',
            reason:
              'the namespace and PostgresCluster go on purpose, after the last backup; the EBS volumes stay (StorageClass reclaimPolicy Retain)',
          },
          {
            stack: STACK,
            type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
            impact: 'WILL_DESTROY',
            reason:
              'it holds no data; step 1 turned its deletion protection off so that the destroy can finish',
          },
          {
            stack: STACK,
            type: 'AWS::EC2::VPCEndpointService',
            impact: 'WILL_DESTROY',
            reason:
              'no principal may connect since step 1, and the runbook rejects the endpoints still attached',
          },
          ...['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret'].map((type) => ({
            stack: STACK,
            type,
            impact: 'WILL_ORPHAN' as const,
            reason:
              'retained (DeletionPolicy Retain): the backups, their key and the passphrase restore the tenant later',
          })),
        ],
      },
    ],
  },
  {
    name: 'Roll a decommission back before the destroy',
    runbook: 'docs/runbooks/decommission-tenant.md',
    setup: (doc) => {
      doc.tenants[0].decommission = true;
    },
    steps: [
      {
        description: 'set decommission back to false and deploy: principals and protections return',
        edit: (doc) => {
          doc.tenants[0].decommission = false;
        },
      },
    ],
  },
];
