/**
 * A tenant's pgAdmin: PGO's `PGAdmin` (`postgres-operator.crunchydata.com/v1beta1`) in the
 * tenant's namespace, its users' passwords generated inside the cluster, and the
 * NetworkPolicy of its pod.
 *
 * One per tenant namespace, not one for the platform: PGO's pgAdmin controller lists the
 * PostgresClusters of a server group in the PGAdmin's own namespace only
 * (internal/controller/standalone_pgadmin/related.go, getClustersForPGAdmin:
 * `client.InNamespace(pgAdmin.Namespace)`; the watch in findPGAdminsForPostgresCluster lists
 * PGAdmins in the cluster's namespace), and every tenant has its own namespace.
 */
import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { GeneratedPassword } from './generated-password';
import { NODE_POOL_LABEL, SYSTEM_POOL } from './node-pools';
import { Affinity, PGADMIN_DISCOVERY_LABEL, ResourceRequirements } from './postgres-cluster';
import { DATABASE_STORAGE_CLASS } from './storage-class-chart';
import { POSTGRES_PORT } from './tenant-network-policies';
import { tenantPgAdminUi } from './web-uis';
import type { PgAdminUser } from '../lib/config/pgadmin-schema';
import { guaranteed } from '../lib/config/tenant-pods';

/** Name of every tenant's PGAdmin object. */
export const PGADMIN_NAME = 'pgadmin';

/** The port pgAdmin (gunicorn) listens on; PGO fixes it (standalone_pgadmin `pgAdminPort`). */
export const PGADMIN_PORT = 5050;

/**
 * Labels PGO puts on the pgAdmin pod (internal/naming/labels.go StandalonePGAdminDataLabels:
 * `pgadmin: <name>`, `role: pgadmin`, `data: pgadmin`). Its Service selects the first one only
 * (standalone_pgadmin/service.go), so the NetworkPolicies do too.
 */
export const PGADMIN_POD_LABELS = { 'postgres-operator.crunchydata.com/pgadmin': PGADMIN_NAME };

/**
 * CPU and memory of the pgAdmin container; PGO gives its init container the same
 * (standalone_pgadmin/pod.go). Requests equal limits: Guaranteed QoS, like every platform pod.
 * One gunicorn worker with 25 threads (PGO's generateGunicornConfig) serving a few operators.
 */
export const PGADMIN_SIZE = { cpu: '250m', memory: '512Mi' };

/** Key of the password in each user's Secret. */
const PASSWORD_KEY = 'password';

/** The PGAdmin spec, covering the fields this project sets (CRD v1beta1, PGO v6.0.3). */
export interface PgAdminSpec {
  readonly image?: string;
  readonly imagePullSecrets?: { readonly name: string }[];
  readonly dataVolumeClaimSpec: {
    readonly storageClassName: string;
    readonly accessModes: ['ReadWriteOnce'];
    readonly resources: { readonly requests: { readonly storage: string } };
  };
  readonly resources: ResourceRequirements;
  readonly affinity: Affinity;
  readonly serverGroups: {
    readonly name: string;
    readonly postgresClusterSelector: { readonly matchLabels: Record<string, string> };
  }[];
  readonly serviceName: string;
  readonly users: {
    readonly username: string;
    readonly role: 'Administrator' | 'User';
    readonly passwordRef: { readonly name: string; readonly key: string };
  }[];
  /** pgAdmin's config.py settings, upper-case names (PGO writes them into config_system.py). */
  readonly config: { readonly settings: Record<string, string | number | boolean> };
}

/** A PGAdmin custom resource. */
export class PgAdmin extends ApiObject {
  /** API version of PGAdmin in PGO v6. */
  static readonly API_VERSION = 'postgres-operator.crunchydata.com/v1beta1';

  constructor(
    scope: Construct,
    id: string,
    props: { metadata: { name: string; namespace: string }; spec: PgAdminSpec },
  ) {
    super(scope, id, { apiVersion: PgAdmin.API_VERSION, kind: 'PGAdmin', ...props });
  }
}

/**
 * Name of the Secret holding a pgAdmin user's password: readable, a valid object name, and
 * stable for one address whatever the order of the list (a name by position would hand a
 * user's password to whoever takes the position). The hash keeps addresses that read alike
 * after the clean-up (`a.b@x.io`, `a-b@x.io`) apart. At most 52 characters, so the
 * generator's name (`<secret>-generator`) stays within 63.
 */
export function pgAdminUserSecretName(username: string): string {
  const readable = username
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 30)
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(username).digest('hex').slice(0, 8);
  return `pgadmin-user-${readable}-${hash}`;
}

/** What the environment decides of every tenant's pgAdmin. */
export interface TenantPgAdminSettings {
  /** Who may sign in; each gets a password generated in the cluster. */
  readonly users: readonly PgAdminUser[];
  /** Size of the data volume, a Kubernetes quantity. */
  readonly storageSize: string;
  /** pgAdmin image. @default - the image PGO's chart names (RELATED_IMAGE_STANDALONE_PGADMIN) */
  readonly image?: string;
  /** The VPC CIDR: the ALB (target type ip) reaches the pod from its addresses in the VPC. */
  readonly vpcCidr: string;
}

/** Properties of {@link TenantPgAdmin}. */
export interface TenantPgAdminProps extends TenantPgAdminSettings {
  /** Name of the tenant; its namespace holds the pgAdmin. */
  readonly tenantName: string;
  /** The tenant namespace. */
  readonly namespace: string;
  /** Image pull Secret names (created out of band in the namespace). @default none */
  readonly imagePullSecretNames?: string[];
  /** The Kubernetes Service range: pgAdmin connects to `<cluster>-primary`, a ClusterIP in it. */
  readonly serviceCidr: string;
}

/**
 * The tenant's pgAdmin. Its server group selects the clusters of its namespace that carry
 * {@link PGADMIN_DISCOVERY_LABEL}, which every platform PostgresCluster does; PGO registers
 * each one as a shared server at `<cluster>-primary.<namespace>.svc:5432`
 * (standalone_pgadmin/configmap.go generateClusterConfig).
 */
export class TenantPgAdmin extends Construct {
  /** The PGAdmin object. */
  readonly pgAdmin: PgAdmin;
  /** Secret name of each user's password, by username. */
  readonly passwordSecretNames: Record<string, string>;

  constructor(scope: Construct, id: string, props: TenantPgAdminProps) {
    super(scope, id);
    const { namespace } = props;
    if (props.users.length === 0) {
      throw new Error(`tenant ${props.tenantName}: a pgAdmin needs at least one user, or nobody can sign in`);
    }

    this.passwordSecretNames = {};
    const passwords = new Construct(this, 'Users');
    for (const user of props.users) {
      const secretName = pgAdminUserSecretName(user.username);
      // The construct ID is the Secret's name: stable for a user wherever the list puts it.
      new GeneratedPassword(passwords, secretName, {
        namespace,
        secretName,
        key: PASSWORD_KEY,
        // The address sits beside its password, so `kubectl get secret` shows whose it is.
        fixedData: { username: user.username },
      });
      this.passwordSecretNames[user.username] = secretName;
    }

    this.pgAdmin = new PgAdmin(this, 'PgAdmin', {
      metadata: { name: PGADMIN_NAME, namespace },
      spec: {
        image: props.image,
        imagePullSecrets:
          props.imagePullSecretNames && props.imagePullSecretNames.length > 0
            ? props.imagePullSecretNames.map((name) => ({ name }))
            : undefined,
        dataVolumeClaimSpec: {
          storageClassName: DATABASE_STORAGE_CLASS,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: props.storageSize } },
        },
        resources: guaranteed(PGADMIN_SIZE),
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'In', values: [SYSTEM_POOL] }] },
              ],
            },
          },
        },
        serverGroups: [
          {
            name: props.tenantName,
            postgresClusterSelector: { matchLabels: { ...PGADMIN_DISCOVERY_LABEL } },
          },
        ],
        // PGO creates this ClusterIP Service, selecting the pod by PGADMIN_POD_LABELS.
        serviceName: tenantPgAdminUi(props.tenantName).serviceName,
        users: props.users.map((user) => ({
          username: user.username,
          role: user.role,
          passwordRef: { name: this.passwordSecretNames[user.username], key: PASSWORD_KEY },
        })),
        // pgAdmin would otherwise offer to store PostgreSQL passwords in its volume; it asks
        // for them at each connection instead (pgAdmin config.py ALLOW_SAVE_PASSWORD).
        config: { settings: { ALLOW_SAVE_PASSWORD: false } },
      },
    });

    new PgAdminNetworkPolicy(this, 'NetworkPolicy', props);
  }
}

const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/**
 * What the pgAdmin pod may send and receive, under the VPC CNI's rules (see
 * tenant-network-policies.ts): the tenant's default-deny covers it otherwise.
 *
 * - In: the UI port from the VPC. The ALB sends from its own addresses in the VPC subnets
 *   (target type ip, no client IP preservation), which no pod selector can name.
 * - Out: PostgreSQL at `<cluster>-primary`, a headless Service without selector whose only
 *   endpoint is the ClusterIP of `<cluster>-ha`, itself without selector (PGO
 *   generateClusterPrimaryService): the agent checks egress before kube-proxy rewrites that
 *   ClusterIP, and admits a ClusterIP by selector only for Services with a matching selector, so
 *   the rule names the Service range on 5432. Another tenant's ClusterIPs on 5432 lead to that
 *   tenant's pods, whose ingress admits neither this pod nor its namespace.
 * - Out: DNS, through kube-dns (a Service with a selector, so the peer admits its ClusterIP).
 */
class PgAdminNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: TenantPgAdminProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'Policy', {
      metadata: { name: 'allow-pgadmin', namespace: props.namespace },
      spec: {
        podSelector: { matchLabels: PGADMIN_POD_LABELS },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: props.vpcCidr } }], ports: [tcp(PGADMIN_PORT)] }],
        egress: [
          { to: [{ ipBlock: { cidr: props.serviceCidr } }], ports: [tcp(POSTGRES_PORT)] },
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
  }
}
