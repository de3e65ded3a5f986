/**
 * Named database pools: adopting them replaces nothing, and a change of instance type (add a
 * pool, drain the old one, remove it) never deletes or replaces a node group that still holds
 * database pods. Each deploy is checked with the review command's own verdict (lib/review),
 * against a model of the nodes and pods (./database-nodes-model.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { RETIRING_TAINT_KEY } from '../../k8s/node-pools';
import { validateConfig } from '../../lib/config/load';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { formatReview } from '../../lib/review/format';
import { reviewAssemblies } from '../../lib/review/review';
import { databasePoolId } from '../../lib/stacks/platform-stack';
import type { ConfigDocument, SafetyStep } from '../safety/operation';
import { operations, REPLACEMENT_POOL } from '../safety/operations/scaling';
import { exampleDocument, synthPlatform } from '../util';
import { synthTenantChart } from '../k8s/tenant-chart-fixture';
import { DatabaseNodes } from './database-nodes-model';

const OLD_POOL = 'database';
const changeOfInstanceType = operations.find(
  (operation) => operation.runbook === 'docs/runbooks/change-database-instance-type.md',
)!;

type TemplateJson = Record<string, any>; // any: CloudFormation JSON

function platformTemplate(config: EnvironmentConfig): TemplateJson {
  return synthPlatform(config).template.toJSON();
}

/** The database pool a node group's logical ID belongs to. */
function poolOfNodegroup(logicalId: string, pools: readonly string[]): string | undefined {
  return pools.find((pool) =>
    new RegExp(`^${databasePoolId(pool)}Nodegroup[A-Z][0-9A-F]{8}$`).test(logicalId),
  );
}

const noSetup = () => undefined;
let example: TemplateJson | undefined;
/** The example's platform template, synthesized once for the file. */
function exampleTemplate(): TemplateJson {
  example ??= platformTemplate(validateConfig(exampleDocument(), 'example'));
  return example;
}

/** What one deploy did: the node groups the review flags, and the pods on their pools just before. */
interface DeployOutcome {
  readonly description: string;
  /** Node groups deleted or replaced, by the review's verdict. */
  readonly flagged: string[];
  /** Pods on the pools of those node groups when the deploy started. */
  readonly podsOnFlaggedPools: number;
  /** The review as `npm run review` prints it. */
  readonly printed: string[];
}

/** Replays `steps` from the example: deploy each, then drain the pools it marks retiring (runbook step 2). */
function replay(
  steps: readonly SafetyStep[],
  setup: (doc: ConfigDocument) => void = noSetup,
): { outcomes: DeployOutcome[]; cluster: DatabaseNodes } {
  const doc: ConfigDocument = exampleDocument();
  setup(doc);
  let config = validateConfig(structuredClone(doc), 'example');
  let template = setup === noSetup ? exampleTemplate() : platformTemplate(config);
  const cluster = new DatabaseNodes(config);
  const outcomes = steps.map((step) => {
    step.edit(doc);
    const next = validateConfig(structuredClone(doc), step.description);
    const nextTemplate = platformTemplate(next);
    const stack = `${config.name}-platform`;
    const review = reviewAssemblies({ [stack]: template }, { [stack]: nextTemplate });
    const flagged = review.stacks
      .flatMap((stack) => stack.resources)
      .filter((resource) => resource.type === 'AWS::EKS::Nodegroup' && resource.risk)
      .map((resource) => resource.logicalId);
    const pools = config.nodePools.database.map((pool) => pool.name);
    const flaggedPools = new Set(flagged.map((id) => poolOfNodegroup(id, pools)));
    const podsOnFlaggedPools = [...flaggedPools].reduce((sum, pool) => sum + cluster.podsOn(pool!).length, 0);
    cluster.deploy(next.nodePools.database);
    for (const pool of next.nodePools.database.filter((candidate) => candidate.retiring)) {
      cluster.drainPool(pool.name);
    }
    config = next;
    template = nextTemplate;
    return { description: step.description, flagged, podsOnFlaggedPools, printed: formatReview(review) };
  });
  return { outcomes, cluster };
}

describe('adopting named pools', () => {
  let template: TemplateJson;
  beforeAll(() => {
    template = exampleTemplate();
  });

  // A new logical ID would make CloudFormation create new node groups and delete the deployed
  // ones, every database node at once: the first pool keeps the IDs of the single pool.
  test('the pool named database keeps the node group logical IDs deployed before pools had names', () => {
    const ids = Object.entries(template.Resources)
      .filter(
        ([id, resource]: [string, any]) =>
          resource.Type === 'AWS::EKS::Nodegroup' && id.startsWith('Database'),
      )
      .map(([id]) => id)
      .sort();
    expect(ids).toEqual([
      'DatabaseNodePoolNodegroupAC1DFC268',
      'DatabaseNodePoolNodegroupB3AA53779',
      'DatabaseNodePoolNodegroupCB2863FC2',
    ]);
  });

  test("each pool's node group names are an output, for the drain commands of the runbook", () => {
    expect(template.Outputs.DatabaseNodePoolNodegroups.Value).toEqual({
      'Fn::Join': [
        ' ',
        ['AC1DFC268', 'B3AA53779', 'CB2863FC2'].map((suffix) => ({
          'Fn::GetAtt': [`DatabaseNodePoolNodegroup${suffix}`, 'NodegroupName'],
        })),
      ],
    });
  });

  test('a second pool gets node groups of its own, one per zone, with the label and taint database pods need', () => {
    const doc = exampleDocument();
    doc.nodePools.database.push({ ...REPLACEMENT_POOL });
    const resources = platformTemplate(validateConfig(doc, 'two pools')).Resources;
    const added = Object.entries(resources).filter(
      ([id, resource]: [string, any]) =>
        resource.Type === 'AWS::EKS::Nodegroup' && poolOfNodegroup(id, [REPLACEMENT_POOL.name]) !== undefined,
    );
    expect(added.map(([, resource]: [string, any]) => resource.Properties.Subnets.length)).toEqual([1, 1, 1]);
    for (const [, resource] of added as [string, any][]) {
      expect(resource.Properties.InstanceTypes).toEqual(['r7g.2xlarge']);
      expect(resource.Properties.Labels).toEqual(
        resources.DatabaseNodePoolNodegroupAC1DFC268.Properties.Labels,
      );
      expect(resource.Properties.Taints).toEqual(
        resources.DatabaseNodePoolNodegroupAC1DFC268.Properties.Taints,
      );
    }
  });
});

describe('changing the instance type: add a pool, drain the old one, remove it', () => {
  let outcomes: DeployOutcome[];
  let cluster: DatabaseNodes;
  beforeAll(() => {
    ({ outcomes, cluster } = replay(changeOfInstanceType.steps));
  });

  test('adding the pool and marking the old one retiring delete or replace no node group', () => {
    expect(outcomes.slice(0, 2).map((outcome) => outcome.flagged)).toEqual([[], []]);
  });

  test('retiring the old pool taints its node groups in place, with a taint no database pod tolerates', () => {
    const printed = outcomes[1].printed.join('\n');
    const tainted = [
      ...printed.matchAll(/~ AWS::EKS::Nodegroup (\w+)\n\s+Properties\.Taints\[1\]: \(none\) -> (.*)/g),
    ];
    expect(tainted.map(([, id]) => poolOfNodegroup(id, [OLD_POOL]))).toEqual([OLD_POOL, OLD_POOL, OLD_POOL]);
    expect(tainted.map(([, , taint]) => JSON.parse(taint))).toEqual(
      Array(3).fill({ Key: RETIRING_TAINT_KEY, Value: 'true', Effect: 'NO_SCHEDULE' }),
    );
    const cluster = synthTenantChart(validateConfig(exampleDocument(), 'example').tenants[0]).find(
      (object) => object.kind === 'PostgresCluster',
    );
    const tolerated = [cluster.spec.instances[0], cluster.spec.proxy.pgBouncer].flatMap((spec) =>
      spec.tolerations.map((toleration: { key: string }) => toleration.key),
    );
    expect(tolerated).not.toContain(RETIRING_TAINT_KEY);
  });

  test('the removal deletes exactly the old pool node groups, which the drain emptied', () => {
    const removal = outcomes[2];
    expect(removal.flagged.map((id) => poolOfNodegroup(id, [OLD_POOL]))).toEqual([
      OLD_POOL,
      OLD_POOL,
      OLD_POOL,
    ]);
    expect(removal.podsOnFlaggedPools).toBe(0);
  });

  test('the runbook quotes the risks the removal reports', () => {
    const printed = outcomes[2].printed;
    const risks = printed.slice(printed.findIndex((line) => line.startsWith('Data-loss risks')));
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', changeOfInstanceType.runbook), 'utf8');
    expect(runbook).toContain(risks.slice(0, 4).join('\n'));
  });

  test('the runbook quotes the review of retiring the old pool', () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', changeOfInstanceType.runbook), 'utf8');
    // The replay reviews the platform stack alone; the runbook's tenant stacks show no changes.
    const platform = outcomes[1].printed.slice(0, outcomes[1].printed.indexOf(''));
    expect(platform).toHaveLength(7);
    expect(runbook).toContain(`\`\`\`text\n${platform.join('\n')}\n`);
  });

  test('no step deletes or replaces a node group that holds database pods', () => {
    expect(outcomes.map((outcome) => [outcome.description, outcome.podsOnFlaggedPools])).toEqual(
      outcomes.map((outcome) => [outcome.description, 0]),
    );
  });

  test('the drain moves every pod to the new pool without a tenant losing all its instances or PgBouncers', () => {
    expect(cluster.outages).toEqual([]);
    expect(cluster.pending).toEqual([]);
    expect(cluster.nodesOf(OLD_POOL)).toEqual([]);
    // orders: 2 instances + 2 PgBouncers; analytics: 3 + 3.
    expect(cluster.podsOn(REPLACEMENT_POOL.name)).toHaveLength(10);
  });
});

describe('pool settings that change in place', () => {
  // AWS::EKS::Nodegroup ScalingConfig updates without interruption; the disk size is in the
  // launch template, whose new version the node group rolls out node by node.
  test.each([
    ['maxSize', (doc: ConfigDocument) => (doc.nodePools.database[0].maxSize = 12)],
    ['minSize', (doc: ConfigDocument) => (doc.nodePools.database[0].minSize = 6)],
    ['diskSizeGiB', (doc: ConfigDocument) => (doc.nodePools.database[0].diskSizeGiB = 100)],
  ])('%s replaces no node group', (_key, edit) => {
    const { outcomes } = replay([{ description: 'edit', edit }]);
    expect(outcomes[0].flagged).toEqual([]);
    expect(outcomes[0].printed.join('\n')).toMatch(
      / ~ AWS::(EKS::Nodegroup|EC2::LaunchTemplate) DatabaseNodePool/,
    );
  });
});

describe('the unsafe ways the runbook rules out', () => {
  test('removing the old pool without the drain deletes node groups that hold database pods', () => {
    const [add, , remove] = changeOfInstanceType.steps;
    const { outcomes, cluster } = replay([add, remove]);
    expect(outcomes[1].flagged).toHaveLength(3);
    expect(outcomes[1].podsOnFlaggedPools).toBe(10);
    // Every instance and PgBouncer was on the old pool: each tenant loses them all at once.
    expect(cluster.outages.sort()).toEqual([
      'analytics/instance',
      'analytics/pgbouncer',
      'orders/instance',
      'orders/pgbouncer',
    ]);
  });

  // CloudFormation: AWS::EKS::Nodegroup InstanceTypes, "Update requires: Replacement".
  test('changing the instance types of a pool in place replaces its node groups while they hold pods', () => {
    const { outcomes } = replay([
      {
        description: 'change the instance type in place',
        edit: (doc) => {
          doc.nodePools.database[0].instanceTypes = ['r7g.2xlarge'];
        },
      },
    ]);
    expect(outcomes[0].flagged).toHaveLength(3);
    expect(outcomes[0].podsOnFlaggedPools).toBe(10);
  });

  // Why production refuses a single instance: PGO's budget for one pod is minAvailable 0, so
  // the drain that moves every other tenant safely stops this one.
  test('the same drain stops a single-instance tenant (allowed outside production only)', () => {
    const { cluster } = replay(changeOfInstanceType.steps, (doc) => {
      doc.stage = 'staging';
      Object.assign(doc.tenants[0], { replicas: 1, pgBouncerReplicas: 1, highlyAvailable: false });
    });
    expect(cluster.outages.sort()).toEqual(['orders/instance', 'orders/pgbouncer']);
  });
});
