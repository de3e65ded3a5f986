/**
 * The safety proof of day-2 operations: every operation in test/safety/operations/ is
 * replayed on config/example.yaml, one deployment at a time, and no deployment may replace,
 * delete or orphan a stateful resource (the types of lib/review/stateful-resources.ts: the
 * EKS cluster and its node groups, KMS keys, buckets, load balancers, endpoint services,
 * passphrase secrets, the manifest holding a PostgresCluster), prune a PostgresCluster or
 * volume claim from a manifest, or shrink a volume, unless the step accepts that loss and
 * says why. Replacements come from @aws-cdk/cloudformation-diff, which reads the
 * CloudFormation resource specification as `cdk diff` does.
 */
import { isDeepStrictEqual } from 'util';
import type { SafetyOperation } from './operation';
import {
  formatLoss,
  judgeLosses,
  loadOperations,
  lossesBetween,
  operationStates,
  synthesizeDocument,
} from './replay';

const operations = loadOperations();

/** What goes wrong when `operation` is replayed: the losses nobody accepted, and the accepted losses that did not happen. */
function replay(operation: SafetyOperation): string[] {
  const states = operationStates(operation);
  return operation.steps.flatMap((step, index) => {
    const losses = lossesBetween(synthesizeDocument(states[index]), synthesizeDocument(states[index + 1]));
    const { unaccepted, unused } = judgeLosses(losses, step.accepts);
    return [
      ...unaccepted.map((loss) => `step ${index + 1} (${step.description}): ${formatLoss(loss)}`),
      ...unused.map(
        (entry) =>
          `step ${index + 1} (${step.description}): accepts ${entry.impact} of ${entry.type} in ${entry.stack}, which does not happen`,
      ),
    ];
  });
}

/** The steps whose synthesized templates equal the previous step's. */
function unchangedSteps(operation: SafetyOperation): string[] {
  const states = operationStates(operation);
  return operation.steps
    .filter((_, index) =>
      isDeepStrictEqual(synthesizeDocument(states[index]), synthesizeDocument(states[index + 1])),
    )
    .map((step) => step.description);
}

test('finds operations in test/safety/operations/', () => {
  expect(operations.length).toBeGreaterThan(0);
});

describe.each(operations.map((operation) => [`${operation.file}: ${operation.name}`, operation] as const))(
  '%s',
  (_, operation) => {
    test('replaces, deletes or orphans no stateful resource it does not accept', () => {
      const found = replay(operation);
      if (found.length > 0) {
        throw new Error(
          [
            ...found,
            '',
            'A step that loses a stateful resource on purpose declares it in its `accepts`, with the reason ' +
              'its runbook gives (test/safety/operation.ts, AcceptedLoss).',
          ].join('\n'),
        );
      }
      expect(found).toEqual([]);
    });

    // A step whose edit reaches no template (a mistyped key the schema ignores, a value
    // equal to the default) proves nothing about the deploy its runbook describes.
    test('every step changes what is deployed', () => {
      const unchanged = unchangedSteps(operation);
      if (unchanged.length > 0) {
        throw new Error(
          [
            ...unchanged.map(
              (description) => `step "${description}" synthesizes the same templates as the step before`,
            ),
            '',
            'A step is one deploy: make its edit reach the templates, or fold it into the next step ' +
              '(a manual action of the runbook belongs in its description).',
          ].join('\n'),
        );
      }
      expect(unchanged).toEqual([]);
    });

    test('every accepted loss says why it is safe', () => {
      const reasons = operation.steps.flatMap((step) => step.accepts ?? []).map((entry) => entry.reason);
      expect(reasons.filter((reason) => reason.trim().length < 30)).toEqual([]);
    });
  },
);

// The suite must be able to fail: operations that do lose data.
describe('catches', () => {
  const operation = (edit: SafetyOperation['steps'][number]['edit']): SafetyOperation => ({
    name: 'probe',
    runbook: 'none',
    steps: [{ description: 'probe', edit }],
  });

  test('a storage decrease: Kubernetes refuses to shrink a volume claim', () => {
    expect(
      replay(
        operation((doc) => {
          doc.tenants[0].storage = '40Gi';
        }),
      ),
    ).toEqual([
      'step 1 (probe): example-tenant-orders: REFUSED (PostgresCluster tenant-orders/orders instance set pg: ' +
        'storage got 40Gi, expected 50Gi or more (the previous size): a PersistentVolumeClaim can grow but never shrink)',
    ]);
  });

  // AWS::EC2::VPC CidrBlock and AWS::EKS::Nodegroup Subnets are "Update requires: Replacement".
  test('a replacement: a new VPC CIDR replaces the VPC, and the node groups in its new subnets', () => {
    const found = replay(
      operation((doc) => {
        doc.network.vpcCidr = '10.50.0.0/16';
      }),
    );
    expect(found).toContain(
      'step 1 (probe): example-platform: AWS::EC2::VPC NetworkVpc7FB7348F WILL_REPLACE (CidrBlock changed)',
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /^step 1 \(probe\): example-platform: AWS::EKS::Nodegroup \w+ WILL_REPLACE \(Subnets changed\)$/,
      ),
    );
  });

  test('a deletion: a tenant removed without decommissioning loses its endpoint service', () => {
    const found = replay(
      operation((doc) => {
        doc.tenants = doc.tenants.filter((tenant: { name: string }) => tenant.name !== 'orders');
      }),
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /^step 1 \(probe\): example-tenant-orders: AWS::EC2::VPCEndpointService \w+ WILL_DESTROY$/,
      ),
    );
  });

  test('a step that changes nothing', () => {
    expect(
      unchangedSteps(
        operation((doc) => {
          doc.tenants[0].replicas = 2;
        }),
      ),
    ).toEqual(['probe']);
  });

  test('an accepted loss that does not happen', () => {
    const stale: SafetyOperation = {
      name: 'probe',
      runbook: 'none',
      steps: [
        {
          description: 'probe',
          edit: (doc) => {
            doc.tenants[0].replicas = 3;
          },
          accepts: [
            {
              stack: 'example-tenant-orders',
              type: 'AWS::S3::Bucket',
              impact: 'WILL_REPLACE',
              reason: 'a stale exception hides the next real replacement',
            },
          ],
        },
      ],
    };
    expect(replay(stale)).toEqual([
      'step 1 (probe): accepts WILL_REPLACE of AWS::S3::Bucket in example-tenant-orders, which does not happen',
    ]);
  });
});
