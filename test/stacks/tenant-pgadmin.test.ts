/** The environment's `pgAdmin` block reaching every tenant stack's manifest. */
import { Template } from 'aws-cdk-lib/assertions';
import { createEnvironmentStacks } from '../../lib/environment';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { manifestsOf } from '../conformance/template-manifests';
import { configWith, newApp } from '../util';

const IMAGE = 'registry.example.com/crunchy/pgadmin4:ubi9-9.2-0';

/** The objects of each tenant's database manifest, by tenant name. */
function tenantObjects(config: EnvironmentConfig): Record<string, any[]> {
  const stacks = createEnvironmentStacks(newApp(), config);
  return Object.fromEntries(
    Object.entries(stacks.tenants).map(([name, stack]) => [
      name,
      manifestsOf(Template.fromStack(stack).toJSON())[0].objects as any[],
    ]),
  );
}

describe('with pgAdmin enabled', () => {
  const config = configWith((d) => {
    d.images.pgadmin = IMAGE;
    d.network.vpcCidr = '10.50.0.0/16';
  });
  const tenants = tenantObjects(config);

  test("every tenant runs one pgAdmin in its namespace, with the environment's users and image", () => {
    for (const [name, objects] of Object.entries(tenants)) {
      const pgAdmins = objects.filter((o) => o.kind === 'PGAdmin');
      expect(pgAdmins).toHaveLength(1);
      expect(pgAdmins[0].metadata.namespace).toBe(`tenant-${name}`);
      expect(pgAdmins[0].spec.image).toBe(IMAGE);
      expect(pgAdmins[0].spec.users.map((u: any) => u.username)).toEqual(
        config.pgAdmin.users.map((u) => u.username),
      );
    }
  });

  test('the UI is admitted from network.vpcCidr and PostgreSQL reached in cluster.serviceCidr', () => {
    const policy = tenants.orders.find((o) => o.metadata?.name === 'allow-pgadmin');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.50.0.0/16' } }]);
    expect(policy.spec.egress[0].to).toEqual([{ ipBlock: { cidr: config.cluster.serviceCidr } }]);
  });
});

test('with pgAdmin disabled, no tenant runs one', () => {
  const tenants = tenantObjects(configWith((d) => (d.pgAdmin.enabled = false)));
  for (const objects of Object.values(tenants)) {
    expect(objects.filter((o) => o.kind === 'PGAdmin' || /pgadmin/.test(o.metadata?.name ?? ''))).toEqual([]);
  }
});
