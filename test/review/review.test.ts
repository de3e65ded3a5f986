/**
 * The review command's verdicts on real changes: the example configuration and edited
 * copies of it, each synthesized into a cloud assembly and read back from disk as
 * `npm run review` reads `cdk.out`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createEnvironmentStacks } from '../../lib/environment';
import { AssemblyTemplates, readAssembly } from '../../lib/review/cloud-assembly';
import { formatReview, reviewPasses } from '../../lib/review/format';
import { Review, reviewAssemblies } from '../../lib/review/review';
import { configWith, exampleConfig, newApp } from '../util';

/** Synthesizes `config` into the run's temp folder and reads the assembly back. */
function synthesize(config: EnvironmentConfig): AssemblyTemplates {
  const app = newApp();
  createEnvironmentStacks(app, config);
  return readAssembly(app.synth().directory);
}

/** The ```text blocks of the README: the review outputs it shows must be what the review prints. */
function readmeTextBlocks(): string[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/```text\n([\s\S]*?)\n```/g)].map((match) => match[1]);
}

let baseline: AssemblyTemplates;
beforeAll(() => {
  baseline = synthesize(exampleConfig());
});

/** Reviews the example edited by `edit` against the example. */
function reviewOf(edit: (doc: Record<string, any>) => void): Review {
  return reviewAssemblies(baseline, synthesize(configWith(edit)));
}

describe('scaling a tenant out (orders replicas 2 -> 3)', () => {
  let review: Review;
  beforeAll(() => {
    review = reviewOf((doc) => {
      doc.tenants[0].replicas = 3;
    });
  });

  test('shows the field of the PostgresCluster that changed, not the manifest string', () => {
    expect(formatReview(review)).toContain(
      '      ~ PostgresCluster tenant-orders/orders spec.instances[0].replicas: 2 -> 3',
    );
  });

  test('changes only the orders tenant stack', () => {
    expect(review.stacks.filter((stack) => stack.change !== 'unchanged').map((stack) => stack.stack)).toEqual(
      ['example-tenant-orders'],
    );
  });

  test('passes: nothing stateful is deleted or replaced', () => {
    expect(review.risks).toEqual([]);
    expect(reviewPasses(review)).toBe(true);
  });

  test('is the output the README shows', () => {
    expect(readmeTextBlocks()).toContain(formatReview(review).join('\n'));
  });
});

describe('removing a tenant (analytics)', () => {
  let review: Review;
  beforeAll(() => {
    review = reviewOf((doc) => {
      doc.tenants = doc.tenants.filter((tenant: { name: string }) => tenant.name !== 'analytics');
    });
  });

  test('flags the deletion of its bucket, key, passphrase, database manifest, endpoint service and load balancer', () => {
    const flagged = review.risks.map((risk) => risk.split(' ').slice(0, 2).join(' '));
    expect(flagged).toEqual([
      'example-tenant-analytics: AWS::S3::Bucket',
      'example-tenant-analytics: AWS::KMS::Key',
      'example-tenant-analytics: AWS::SecretsManager::Secret',
      'example-tenant-analytics: Custom::AWSCDK-EKS-KubernetesResource',
      'example-tenant-analytics: AWS::EC2::VPCEndpointService',
      'example-tenant-analytics: AWS::ElasticLoadBalancingV2::LoadBalancer',
    ]);
  });

  test('says which removed resources their DeletionPolicy keeps', () => {
    expect(review.risks.find((risk) => risk.includes('AWS::S3::Bucket'))).toMatch(
      /leaves the stack when the stack is destroyed; DeletionPolicy Retain keeps the resource itself/,
    );
    expect(review.risks.find((risk) => risk.includes('AWS::EC2::VPCEndpointService'))).toMatch(
      /is deleted when the stack is destroyed$/,
    );
  });

  test('lists the PostgresCluster among the Kubernetes objects removed', () => {
    expect(formatReview(review)).toContain('      - PostgresCluster tenant-analytics/analytics');
  });

  test('fails without --allow-data-loss', () => {
    expect(reviewPasses(review)).toBe(false);
    expect(formatReview(review).at(-1)).toMatch(/^FAIL: the change deletes or replaces stateful resources/);
  });

  test('passes with --allow-data-loss, still listing the risks', () => {
    expect(reviewPasses(review, { allowDataLoss: true })).toBe(true);
    expect(formatReview(review, { allowDataLoss: true })).toContain(
      'Data-loss risks (6), allowed by --allow-data-loss:',
    );
  });
});

describe('storage of a tenant', () => {
  test('a decrease is an error that names the previous size', () => {
    const review = reviewOf((doc) => {
      doc.tenants[0].storage = '40Gi';
    });
    expect(review.errors).toEqual([
      'example-tenant-orders: PostgresCluster tenant-orders/orders instance set pg: storage got 40Gi, ' +
        'expected 50Gi or more (the previous size): a PersistentVolumeClaim can grow but never shrink',
    ]);
  });

  test('a decrease fails even with --allow-data-loss: Kubernetes refuses it whatever the reviewer accepts', () => {
    const review = reviewOf((doc) => {
      doc.tenants[0].storage = '40Gi';
    });
    expect(reviewPasses(review, { allowDataLoss: true })).toBe(false);
  });

  test('the README shows the error a decrease prints', () => {
    const review = reviewOf((doc) => {
      doc.tenants[0].storage = '40Gi';
    });
    const errors = formatReview(review);
    const block = errors.slice(errors.indexOf('Errors (1):'), errors.indexOf('Errors (1):') + 2).join('\n');
    expect(readmeTextBlocks()).toContain(block);
  });

  test('an increase passes', () => {
    const review = reviewOf((doc) => {
      doc.tenants[0].storage = '60Gi';
    });
    expect(review.errors).toEqual([]);
    expect(reviewPasses(review)).toBe(true);
  });
});

describe('changing the instance type of the database node pool', () => {
  let review: Review;
  beforeAll(() => {
    review = reviewOf((doc) => {
      doc.nodePools.database[0].instanceTypes = ['r7g.2xlarge'];
    });
  });

  // CloudFormation: AWS::EKS::Nodegroup InstanceTypes, "Update requires: Replacement".
  test('flags every database node group as replaced', () => {
    expect(review.risks).toHaveLength(3);
    for (const risk of review.risks) {
      expect(risk).toMatch(
        /^example-platform: AWS::EKS::Nodegroup DatabaseNodePoolNodegroup\w+ is replaced \(InstanceTypes changed\)$/,
      );
    }
  });

  test('fails without --allow-data-loss', () => {
    expect(reviewPasses(review)).toBe(false);
  });

  test('is the output the README shows', () => {
    expect(readmeTextBlocks()).toContain(formatReview(review).join('\n'));
  });
});

test('the example against itself has no changes', () => {
  const review = reviewAssemblies(baseline, synthesize(exampleConfig()));
  expect(review.stacks.map((stack) => stack.change)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(reviewPasses(review)).toBe(true);
});
