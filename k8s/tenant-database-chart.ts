import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import {
  backupOperationAnnotations,
  backupOperationSpec,
  BACKUP_REPO,
  cloneDataSource,
  dataVolumeClaim,
  retentionSettings,
} from './backup-operations';
import { BackupPassphraseSync, cloneSourcePassphraseNames, passphraseNames } from './backup-passphrase-sync';
import { PgBouncerExporterMonitor, PostgresExporterMonitor } from './monitoring/pod-monitor';
import { PGBOUNCER_EXPORTER_SETTINGS, pgBouncerExporterContainer } from './pgbouncer-exporter';
import { MajorUpgrade } from './major-upgrade';
import { PGADMIN_POD_LABELS, TenantPgAdmin, TenantPgAdminSettings } from './pgadmin';
import { DATABASE_POOL, DATABASE_TAINT_KEY, NODE_POOL_LABEL } from './node-pools';
import { PLATFORM_CA } from './platform-ca-chart';
import { sizingProblem, tunedSettings } from './postgres-parameters';
import { Placement, PostgresCluster } from './postgres-cluster';
import { DATABASE_STORAGE_CLASS } from './storage-class-chart';
import { TargetGroupBinding } from './target-group-binding';
import { POSTGRES_PORT, TenantNetworkPolicies } from './tenant-network-policies';
import { TenantTls } from './tenant-tls';
import { WebUiRoute, type WebUiRouteSettings } from './web-ui-ingress-chart';
import { tenantPgAdminUi, WEB_UI_NAMESPACE_LABEL } from './web-uis';
import type { DatabaseImages } from '../lib/config/images-schema';
import { postgresValue } from '../lib/config/postgres-parameter-rules';
import { instanceSize, type TenantConfig } from '../lib/config/tenant-schema';
import { guaranteed, SIDECAR_SIZES } from '../lib/config/tenant-pods';

/** Name of the one instance set of every tenant cluster. */
export const INSTANCE_SET = 'pg';
/** Namespace PGO runs in; it connects to every tenant's pods. */
export const OPERATOR_NAMESPACE = 'postgres-operator';
/** Namespace monitoring runs in; it scrapes the exporters. */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Namespace label of the AWS Load Balancer Controller's pod readiness gate. In a labelled
 * namespace its webhook adds a `target-health.elbv2.k8s.aws/...` readiness gate to each new pod
 * that a Service of an IP TargetGroupBinding selects, and sets it true only once the target
 * is healthy in the NLB (aws-load-balancer-controller docs/deploy/pod_readiness_gate.md,
 * pkg/inject/pod_readiness/pod_readiness_gate.go). A PgBouncer rollout then waits for the new
 * pod to take traffic before it stops an old one.
 */
export const POD_READINESS_GATE_LABEL = { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' };

/**
 * PGO annotation that creates, in each of a user's databases, a schema named after the user
 * and owned by it (PGO internal/naming/annotations.go `AutoCreateUserSchemaAnnotation`,
 * internal/postgres/users.go `WriteUsersSchemasInPostgreSQL`; the `AutoCreateUserSchema`
 * feature gate is beta and on by default). Since PostgreSQL 15 ordinary users may not create
 * objects in `public`; the default `search_path` (`"$user", public`) finds the user's schema first.
 */
export const AUTO_CREATE_USER_SCHEMA_ANNOTATION = {
  'postgres-operator.crunchydata.com/autoCreateUserSchema': 'true',
};

/** The Kubernetes names PGO derives from a cluster name. */
export interface TenantServiceNames {
  /** PgBouncer Service: its endpoints are PgBouncer pods, which route to the current primary. */
  readonly pgBouncer: string;
  /** Replica Service: its endpoints are the replica pods, selected by role. */
  readonly replicas: string;
  /** Primary Service: no selector, endpoints managed by PGO (not pods; never bind a target group to it). */
  readonly primary: string;
  /** Service accounts PGO creates, which pgBackRest runs as. */
  readonly serviceAccounts: string[];
}

/** The names PGO creates for the cluster `name`. */
export function tenantServiceNames(name: string): TenantServiceNames {
  return {
    pgBouncer: `${name}-pgbouncer`,
    replicas: `${name}-replicas`,
    primary: `${name}-primary`,
    serviceAccounts: [`${name}-instance`, `${name}-pgbackrest`],
  };
}

/** The namespace of a tenant. */
export function tenantNamespace(name: string): string {
  return `tenant-${name}`;
}

/** Properties of {@link TenantDatabaseChart}. */
export interface TenantDatabaseChartProps {
  /** The tenant's validated configuration. */
  readonly tenant: TenantConfig;
  /** Images for the tenant: the environment's, overridden by the tenant's own. */
  readonly images: DatabaseImages;
  /** Image pull Secret names (created out of band in the namespace). */
  readonly imagePullSecretNames: string[];
  /** The AWS region of the backup bucket. */
  readonly region: string;
  /** The backup bucket name. */
  readonly backupBucketName: string;
  /** Path of the pgBackRest repository in the bucket. */
  readonly backupRepositoryPath: string;
  /** ARN of the IAM role pgBackRest assumes (IRSA). */
  readonly backupRoleArn: string;
  /** What the tenant's NetworkPolicies need to know of the network. */
  readonly network: {
    /** CIDRs of the load balancer subnets: clients connect from these only. */
    readonly loadBalancerCidrs: string[];
    /** The Kubernetes Service range (`cluster.serviceCidr`). */
    readonly serviceCidr: string;
  };
  /** The tenant's load balancer: its security group and the target groups to fill with pods. */
  readonly loadBalancer: {
    readonly securityGroupId: string;
    readonly readWriteTargetGroupArn: string;
    /** Present when the tenant has replicas. */
    readonly readOnlyTargetGroupArn?: string;
  };
  /** The backup passphrase in Secrets Manager, and the role that may read it (IRSA). */
  readonly backupPassphrase: { readonly secretArn: string; readonly readerRoleArn: string };
  /**
   * The repository the tenant is cloned from (`cloneFrom`), and the role that may read its
   * passphrase (IRSA).
   * @default - not a clone
   */
  readonly cloneSource?: {
    readonly bucketName: string;
    readonly repositoryPath: string;
    readonly passphraseSecretArn: string;
    readonly passphraseReaderRoleArn: string;
  };
  /**
   * The cert-manager ClusterIssuer that signs the tenant's server certificates.
   * @default - the platform CA (`PLATFORM_CA.issuer`)
   */
  readonly certificateIssuer?: string;
  /** The tenant's pgAdmin (k8s/pgadmin.ts). @default - no pgAdmin */
  readonly pgAdmin?: TenantPgAdminSettings;
  /**
   * The route of the tenant's pgAdmin on the web UI ALB (k8s/web-ui-ingress-chart.ts).
   * @default - none: pgAdmin is reached with kubectl port-forward
   */
  readonly pgAdminRoute?: WebUiRouteSettings;
}

/**
 * Everything a tenant runs inside the cluster: its namespace, a highly available
 * PostgresCluster with PgBouncer, backups to S3 and metrics, and the NetworkPolicies that
 * isolate it.
 */
export class TenantDatabaseChart extends Chart {
  /** The PostgresCluster. */
  readonly postgresCluster: PostgresCluster;

  constructor(scope: Construct, id: string, props: TenantDatabaseChartProps) {
    const { tenant } = props;
    const namespace = tenantNamespace(tenant.name);
    super(scope, id, { labels: { 'postgres-platform/tenant': tenant.name } });

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespace,
        labels: {
          // PGO's pods meet the baseline profile; warn about anything short of restricted.
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          ...POD_READINESS_GATE_LABEL,
          // Its pgAdmin is routed from the web UI ALB.
          ...(props.pgAdminRoute ? WEB_UI_NAMESPACE_LABEL : {}),
        },
      },
    });

    new BackupPassphraseSync(this, 'BackupPassphrase', {
      namespace,
      tenantName: tenant.name,
      passphraseSecretArn: props.backupPassphrase.secretArn,
      readerRoleArn: props.backupPassphrase.readerRoleArn,
      region: props.region,
    });

    const cloneSecrets = cloneSourcePassphraseNames(tenant.name);
    if (props.cloneSource) {
      new BackupPassphraseSync(this, 'CloneSourcePassphrase', {
        namespace,
        tenantName: tenant.name,
        names: cloneSecrets,
        passphraseSecretArn: props.cloneSource.passphraseSecretArn,
        readerRoleArn: props.cloneSource.passphraseReaderRoleArn,
        region: props.region,
      });
    }

    const names = tenantServiceNames(tenant.name);
    const tls = new TenantTls(this, 'Tls', {
      namespace,
      clusterName: tenant.name,
      issuerName: props.certificateIssuer ?? PLATFORM_CA.issuer,
      services: names,
      privateDnsName: tenant.privateLink.privateDnsName,
    });

    const clusterLabels = { 'postgres-operator.crunchydata.com/cluster': tenant.name };
    const instanceSelector = {
      ...clusterLabels,
      'postgres-operator.crunchydata.com/instance-set': INSTANCE_SET,
    };
    const pgBouncerSelector = { ...clusterLabels, 'postgres-operator.crunchydata.com/role': 'pgbouncer' };
    // Sized from memory, CPU, PgBouncer pods and databases; the config loader has checked the
    // tenant's overrides against the same sizing.
    const size = instanceSize(tenant);
    const sizing = size
      ? sizingProblem(size)
      : 'expected memory, cpu and pgBouncerReplicas the config accepts';
    if (sizing) {
      throw new Error(`tenant ${tenant.name}: ${sizing}`);
    }
    const tuned = tunedSettings(size!);
    const overrides = Object.fromEntries(
      Object.entries(tenant.parameters).map(([name, value]) => [name, postgresValue(value)]),
    );

    const instancePlacement = databasePlacement(instanceSelector);
    const upgrade = tenant.upgrade
      ? new MajorUpgrade(this, 'MajorUpgrade', {
          namespace,
          clusterName: tenant.name,
          ...tenant.upgrade,
          image: props.images.upgrade,
          imagePullSecretNames: props.imagePullSecretNames,
          placement: { affinity: instancePlacement.affinity, tolerations: instancePlacement.tolerations },
          resources: guaranteed({ cpu: tenant.cpu, memory: tenant.memory }),
        })
      : undefined;
    // Restore Jobs run where the instances run, sized like one instance (in place, the
    // instances are stopped first; a clone has none yet).
    const restorePlacement = {
      resources: guaranteed({ cpu: tenant.cpu, memory: tenant.memory }),
      affinity: instancePlacement.affinity,
      tolerations: instancePlacement.tolerations,
    };
    const operations = backupOperationSpec(tenant);

    this.postgresCluster = new PostgresCluster(this, 'PostgresCluster', {
      metadata: {
        name: tenant.name,
        namespace,
        annotations: {
          ...AUTO_CREATE_USER_SCHEMA_ANNOTATION,
          ...upgrade?.clusterAnnotations,
          ...backupOperationAnnotations(tenant),
        },
      },
      spec: {
        postgresVersion: tenant.postgresVersion,
        image: props.images.postgres?.[String(tenant.postgresVersion) as '17'],
        // pg_upgrade needs PostgreSQL stopped on every instance (docs/runbooks/major-upgrade.md).
        shutdown: upgrade ? true : undefined,
        paused: tenant.paused || undefined,
        imagePullSecrets:
          props.imagePullSecretNames.length > 0
            ? props.imagePullSecretNames.map((name) => ({ name }))
            : undefined,
        // PGO copies these annotations onto the service accounts it creates: IRSA for pgBackRest.
        metadata: { annotations: { 'eks.amazonaws.com/role-arn': props.backupRoleArn } },
        // Certificates from the platform CA, which customers can verify (see TenantTls).
        customTLSSecret: { name: tls.secretNames.postgres },
        customReplicationTLSSecret: { name: tls.secretNames.replication },
        instances: [
          {
            name: INSTANCE_SET,
            replicas: tenant.replicas,
            // Requests equal limits in every container, PGO's included: Guaranteed QoS. The
            // capacity rule (lib/config/capacity.ts) sums these same sizes.
            resources: guaranteed({ cpu: tenant.cpu, memory: tenant.memory }),
            sidecars: { replicaCertCopy: { resources: guaranteed(SIDECAR_SIZES.replicaCertCopy) } },
            dataVolumeClaimSpec: dataVolumeClaim(tenant, DATABASE_STORAGE_CLASS),
            ...instancePlacement,
          },
        ],
        backups: {
          pgbackrest: {
            image: props.images.pgbackrest,
            global: {
              'repo1-path': props.backupRepositoryPath,
              'repo1-s3-key-type': 'web-id',
              ...retentionSettings(tenant),
              // Client-side encryption; the passphrase comes from the Secret ESO syncs from Secrets Manager.
              'repo1-cipher-type': 'aes-256-cbc',
            },
            configuration: [{ secret: { name: passphraseNames(tenant.name).secret } }],
            repos: [
              {
                name: BACKUP_REPO,
                s3: {
                  bucket: props.backupBucketName,
                  endpoint: `s3.${props.region}.amazonaws.com`,
                  region: props.region,
                },
                schedules: {
                  full: tenant.backups.fullSchedule,
                  differential: tenant.backups.differentialSchedule,
                },
              },
            ],
            // On-demand backups and in-place restores (docs/runbooks/backups.md, restore-in-place.md).
            manual: operations.manual,
            ...(operations.restore ? { restore: { ...operations.restore, ...restorePlacement } } : {}),
            sidecars: {
              pgbackrest: { resources: guaranteed(SIDECAR_SIZES.pgbackrest) },
              pgbackrestConfig: { resources: guaranteed(SIDECAR_SIZES.pgbackrestConfig) },
            },
            jobs: { resources: guaranteed(SIDECAR_SIZES.backupJob) },
          },
        },
        dataSource: props.cloneSource
          ? cloneDataSource(
              tenant,
              { ...props.cloneSource, cipherSecretName: cloneSecrets.secret, region: props.region },
              restorePlacement,
            )
          : undefined,
        proxy: {
          pgBouncer: {
            replicas: tenant.pgBouncerReplicas,
            image: props.images.pgbouncer,
            config: { global: { ...tuned.pgBouncer, ...PGBOUNCER_EXPORTER_SETTINGS } },
            resources: guaranteed(SIDECAR_SIZES.pgBouncer),
            customTLSSecret: { name: tls.secretNames.pgBouncer },
            sidecars: { pgbouncerConfig: { resources: guaranteed(SIDECAR_SIZES.pgBouncerConfig) } },
            containers: [
              pgBouncerExporterContainer({ clusterName: tenant.name, image: props.images.pgbouncerExporter }),
            ],
            ...databasePlacement(pgBouncerSelector),
          },
        },
        replicaService: { type: 'ClusterIP' },
        monitoring: {
          pgmonitor: {
            exporter: { image: props.images.exporter, resources: guaranteed(SIDECAR_SIZES.exporter) },
          },
        },
        users: tenant.users.map((user) => ({
          name: user.name,
          databases: user.databases.length > 0 ? user.databases : undefined,
        })),
        // spec.config.parameters, not Patroni's dynamicConfiguration: the CRD validates these at
        // admission, and PGO gives them precedence over dynamicConfiguration
        // (internal/controller/postgrescluster/postgres.go, generatePostgresParameters).
        config: { parameters: { ...tuned.parameters, ...overrides } },
      },
    });

    // Bind to the PgBouncer and replica Services, whose endpoints are pods. Never to
    // <name>-primary: it has no selector and its endpoints are not pods, so no target would register.
    const bindings: [string, string, string | undefined][] = [
      ['ReadWriteBinding', names.pgBouncer, props.loadBalancer.readWriteTargetGroupArn],
      ['ReadOnlyBinding', names.replicas, props.loadBalancer.readOnlyTargetGroupArn],
    ];
    for (const [bindingId, service, targetGroupArn] of bindings) {
      if (targetGroupArn) {
        new TargetGroupBinding(this, bindingId, {
          metadata: { name: service, namespace },
          targetGroupArn,
          service: { name: service, port: POSTGRES_PORT },
          loadBalancerSecurityGroupId: props.loadBalancer.securityGroupId,
          podPort: POSTGRES_PORT,
        });
      }
    }

    // Prometheus in MONITORING_NAMESPACE scrapes the exporters; allow-metrics-scraping admits it.
    new PostgresExporterMonitor(this, 'ExporterMonitor', { namespace, clusterName: tenant.name });
    new PgBouncerExporterMonitor(this, 'PgBouncerExporterMonitor', { namespace, clusterName: tenant.name });

    if (props.pgAdmin && props.pgAdminRoute) {
      new WebUiRoute(this, 'PgAdminRoute', { ui: tenantPgAdminUi(tenant.name), ...props.pgAdminRoute });
    }
    if (props.pgAdmin) {
      new TenantPgAdmin(this, 'PgAdmin', {
        ...props.pgAdmin,
        tenantName: tenant.name,
        namespace,
        imagePullSecretNames: props.imagePullSecretNames,
        serviceCidr: props.network.serviceCidr,
      });
    }

    new TenantNetworkPolicies(this, 'NetworkPolicies', {
      namespace,
      clusterLabels,
      instanceLabels: instanceSelector,
      pgBouncerLabels: pgBouncerSelector,
      loadBalancerCidrs: props.network.loadBalancerCidrs,
      serviceCidr: props.network.serviceCidr,
      operatorNamespace: OPERATOR_NAMESPACE,
      monitoringNamespace: MONITORING_NAMESPACE,
      pgAdminLabels: props.pgAdmin ? PGADMIN_POD_LABELS : undefined,
    });
  }
}

/**
 * Placement on the database pool, spread so no two pods share a zone or a node while zones
 * and nodes are available.
 */
function databasePlacement(selector: Record<string, string>): Placement {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'In', values: [DATABASE_POOL] }] },
          ],
        },
      },
    },
    tolerations: [{ key: DATABASE_TAINT_KEY, operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: selector },
      },
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: selector },
      },
    ],
  };
}
