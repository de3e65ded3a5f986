/**
 * The capacity rule against EKS's reserved-capacity figures (awslabs/amazon-eks-ami nodeadm,
 * eni-max-pods.txt) and the pods PGO builds (lib/config/tenant-pods.ts).
 */
import { fitsZone } from '../../lib/config/capacity';
import { nodeRoom } from '../../lib/config/node-room';
import { allocatableOf, reservedCpu, reservedMemoryBytes } from '../../lib/config/instance-types';
import { instancePodContainers, pgBouncerPodContainers, podRequests } from '../../lib/config/tenant-pods';
import { configWith, problemsOf } from '../util';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('node allocatable (AL2023 nodeadm rules)', () => {
  test('reserves 6% of the first core, 1% of the second, 0.5% of cores 3-4 and 0.25% of the rest', () => {
    expect([1, 2, 4, 8, 16, 64].map((cores) => Math.round(reservedCpu(cores) * 1000))).toEqual([
      60, 70, 80, 90, 110, 230,
    ]);
  });

  test('reserves 11 MiB per ENI pod slot plus 255 MiB of memory', () => {
    expect(reservedMemoryBytes(58)).toBe(893 * MiB);
  });

  test('an r7g.xlarge offers 3920m CPU, 58 pods and its memory less overhead, kube-reserved and eviction', () => {
    expect(allocatableOf('r7g.xlarge')).toEqual({
      instanceType: 'r7g.xlarge',
      cpu: 3.92,
      memoryBytes: 32 * GiB * 0.925 - 893 * MiB - 100 * MiB,
      pods: 58,
    });
  });

  test('managed node groups cap max pods at 110 below 30 vCPUs, while kube-reserved uses the ENI figure', () => {
    const node = allocatableOf('r7g.4xlarge')!;
    expect(node.pods).toBe(110);
    expect(node.memoryBytes).toBe(128 * GiB * 0.925 - (11 * 234 + 255) * MiB - 100 * MiB);
  });

  test('has no figures for a type outside the table', () => {
    expect(allocatableOf('x2gd.xlarge')).toBeUndefined();
  });
});

describe('each instance pod fits one node of the smallest database type', () => {
  test('the example analytics tenant at 4 CPU / 32Gi cannot run on r7g.xlarge, and the error says what fits', () => {
    const problems = problemsOf((d) => Object.assign(d.tenants[1], { cpu: '4', memory: '32Gi' }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^tenants\[1\]\.memory: got "32Gi", expected at most 28Gi with cpu 4 on r7g\.xlarge \(allocatable 3920m CPU and 28\.6Gi memory .*\); or use a larger instance type$/,
      ),
      expect.stringMatching(
        /^tenants\[1\]\.cpu: got "4", expected at most 3520m with memory 32Gi on r7g\.xlarge /,
      ),
    ]);
  });

  test('counts the sidecars: memory that alone would fit the node is refused with them', () => {
    const problems = problemsOf((d) => (d.tenants[1].memory = '28.5Gi'));
    expect(problems).toEqual([
      expect.stringMatching(/^tenants\[1\]\.memory: got "28\.5Gi", expected at most 28Gi /),
    ]);
  });

  test('a larger instance type makes the same tenant fit', () => {
    expect(() =>
      configWith((d) => {
        Object.assign(d.tenants[1], { cpu: '4', memory: '32Gi' });
        d.nodePools.database[0].instanceTypes = ['r7g.2xlarge'];
      }),
    ).not.toThrow();
  });

  test('with several instance types, plans with the one that leaves the least room', () => {
    const problems = problemsOf((d) => {
      d.tenants[1].memory = '30Gi';
      d.nodePools.database[0].instanceTypes = ['r7g.2xlarge', 'm7g.2xlarge'];
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^tenants\[1\]\.memory: got "30Gi", expected at most \d+Gi with cpu 3 on m7g\.2xlarge /,
      ),
    ]);
  });

  test('a database instance type without known capacity is refused with the supported ones', () => {
    expect(problemsOf((d) => (d.nodePools.database[0].instanceTypes = ['x2gd.xlarge']))).toEqual([
      expect.stringMatching(
        /^nodePools\.database\[0\]\.instanceTypes\[0\]: got "x2gd\.xlarge", expected a database instance type whose capacity is known: m6g, m7g.*lib\/config\/instance-types\.ts/,
      ),
    ]);
  });
});

describe('all tenants fit the database pool at maxSize, spread over three zones', () => {
  test('the example fits', () => {
    expect(() => configWith(() => undefined)).not.toThrow();
  });

  test('a pool too small for the fullest zone is refused with the size that fits', () => {
    expect(problemsOf((d) => Object.assign(d.nodePools.database[0], { maxSize: 3 }))).toEqual([
      "nodePools.database[0].maxSize: got 3, expected at least 6 (2 r7g.xlarge nodes in each of 3 zones) to hold every tenant's instances and PgBouncer pods with their zone spread; or use a larger instance type",
    ]);
  });

  test('sizes are multiples of the three zones: one node group per zone', () => {
    expect(problemsOf((d) => (d.nodePools.database[0].maxSize = 10))).toEqual([
      expect.stringMatching(
        /^nodePools\.database\[0\]\.maxSize: got 10, expected a multiple of 3: a database pool is one node group per availability zone/,
      ),
    ]);
  });

  test('the initial size splits over the zones too, in every stage', () => {
    expect(
      problemsOf((d) => {
        d.stage = 'development';
        Object.assign(d.nodePools.database[0], { minSize: 1, desiredSize: 2 });
      }),
    ).toEqual([
      expect.stringMatching(/^nodePools\.database\[0\]\.minSize: got 1, expected a multiple of 3/),
      expect.stringMatching(/^nodePools\.database\[0\]\.desiredSize: got 2, expected a multiple of 3/),
    ]);
  });

  test('never places two instances of one tenant on one node, however small they are', () => {
    const room = nodeRoom('r7g.xlarge')!;
    const tiny = {
      name: 'tiny',
      instance: podRequests(instancePodContainers({ cpu: '250m', memory: '1Gi' })),
      pgBouncer: podRequests(pgBouncerPodContainers()),
      pgBouncers: 1,
    };
    // Six instances put two in the fullest zone: two nodes there, never one.
    expect(fitsZone([{ ...tiny, instances: 6 }], [room])).toBe(false);
    expect(fitsZone([{ ...tiny, instances: 6 }], [room, room])).toBe(true);
  });

  test('counts the DaemonSets every node runs', () => {
    const room = nodeRoom('r7g.xlarge')!;
    expect(room.daemonSets.pods).toBe(4);
    expect(Math.round(room.daemonSets.cpu * 1000)).toBe(180);
  });
});

describe('several database pools, while one replaces another', () => {
  const smallPool = {
    name: 'r7g-xl-b',
    instanceTypes: ['r7g.xlarge'],
    minSize: 3,
    maxSize: 3,
    diskSizeGiB: 50,
  };

  test('the tenants may fit the pools combined when no single pool holds them', () => {
    // 3 nodes of r7g.xlarge alone hold too little (one node per zone; see the maxSize test above).
    const config = configWith((d) => {
      d.nodePools.database[0].maxSize = 3;
      d.nodePools.database.push({ ...smallPool });
    });
    expect(config.nodePools.database.map((pool) => pool.maxSize)).toEqual([3, 3]);
  });

  test('a retiring pool does not count: the others alone must hold every tenant', () => {
    expect(
      problemsOf((d) => {
        d.nodePools.database[0].retiring = true;
        d.nodePools.database.push({ ...smallPool });
      }),
    ).toEqual([
      "nodePools.database[1].maxSize: got 3, expected at least 6 (2 r7g.xlarge nodes in each of 3 zones) to hold every tenant's instances and PgBouncer pods with their zone spread; or use a larger instance type",
    ]);
  });

  test('names the maxSize the last pool needs with the others at theirs', () => {
    // Two orders instances and one analytics instance in the fullest zone, too large to share
    // a node: three nodes per zone, one from the first pool.
    expect(
      problemsOf((d) => {
        Object.assign(d.tenants[0], { replicas: 6, memory: '20Gi' });
        d.nodePools.database[0].maxSize = 3;
        d.nodePools.database.push({ ...smallPool });
      }),
    ).toEqual([
      "nodePools.database[1].maxSize: got 3, expected at least 6 (2 r7g.xlarge nodes in each of 3 zones, the other pools at their maxSize) to hold every tenant's instances and PgBouncer pods with their zone spread; or use a larger instance type",
    ]);
  });

  test('each instance pod fits every type of every pool, since the scheduler may pick any', () => {
    expect(
      problemsOf((d) => d.nodePools.database.push({ ...smallPool, instanceTypes: ['r7g.large'] })),
    ).toContainEqual(
      expect.stringMatching(
        /^tenants\[1\]\.memory: got "24Gi", expected at most \d+Gi with cpu 3 on r7g\.large/,
      ),
    );
  });

  test('a retiring pool still needs known instance types, and one pool must be left serving', () => {
    expect(problemsOf((d) => (d.nodePools.database[0].retiring = true))).toEqual([
      'nodePools.database: got [{"name":"database","instanceTypes":["r7g.xlarge"],"minSize":3,"maxSize":9,"diskSizeGiB":50,"retiring":true}], expected at least one pool that is not retiring, to hold the tenants',
    ]);
  });

  test('production counts the serving pools together for its three database nodes', () => {
    expect(
      problemsOf((d) => {
        d.nodePools.database[0].retiring = true;
        d.nodePools.database.push({ ...smallPool, maxSize: 9 });
        d.nodePools.database.push({ ...smallPool, name: 'r7g-xl-c', minSize: 1, maxSize: 9 });
        d.nodePools.database[1].minSize = 1;
      }),
    ).toEqual([
      'nodePools.database[2].minSize: got 1, expected at least 2 in production (with 1 in the other pools), so every availability zone keeps a database node',
      expect.stringMatching(/^nodePools\.database\[1\]\.minSize: got 1, expected a multiple of 3/),
    ]);
  });
});

describe('scaling a tenant out', () => {
  // analytics at 7 instances puts 3 in the fullest zone, each too large to share a node with
  // another: with orders' instance there, the zone needs a fourth node.
  test('an added instance that the pool cannot hold is refused with the maxSize that would', () => {
    expect(configWith((d) => (d.tenants[1].replicas = 6)).tenants[1].replicas).toBe(6);
    expect(problemsOf((d) => (d.tenants[1].replicas = 7))).toEqual([
      "nodePools.database[0].maxSize: got 9, expected at least 12 (4 r7g.xlarge nodes in each of 3 zones) to hold every tenant's instances and PgBouncer pods with their zone spread; or use a larger instance type",
    ]);
  });

  test('scaling up a tenant re-checks its instance pod against the node', () => {
    expect(problemsOf((d) => (d.tenants[0].memory = '30Gi'))).toEqual([
      expect.stringMatching(
        /^tenants\[0\]\.memory: got "30Gi", expected at most 28Gi with cpu 1 on r7g\.xlarge/,
      ),
    ]);
  });
});
