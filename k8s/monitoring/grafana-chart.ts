import { createHash } from 'crypto';
import { ApiObject, Chart, ChartProps, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import {
  dashboardProvidersYaml,
  DASHBOARDS_PATH,
  datasourcesYaml,
  platformDashboards,
  PROVISIONING_PATH,
} from './grafana-provisioning';
import { GRAFANA_POD_LABELS } from './labels';
import type { GrafanaSettings } from '../../lib/config/monitoring-schema';
import { GRAFANA_IMAGE } from '../../lib/config/versions';
import { NodePoolSelector, systemPoolPlacement } from '../../lib/constructs/system-chart';
import { GeneratedPassword } from '../generated-password';
import { DATABASE_STORAGE_CLASS } from '../storage-class-chart';
import { WEB_UIS } from '../web-uis';

/** Name of the Secret that holds the admin user name and its generated password. */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
/** Keys of the admin Secret. */
export const GRAFANA_ADMIN_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** The command that prints Grafana's admin password (run with a cluster admin role). */
export function grafanaPasswordCommand(): string {
  return `kubectl -n ${WEB_UIS.grafana.namespace} get secret ${GRAFANA_ADMIN_SECRET} -o jsonpath='{.data.${GRAFANA_ADMIN_KEYS.password}}' | base64 -d; echo`;
}

/** The admin user's name: not secret, the password is. */
const ADMIN_USER = 'admin';

/**
 * Requests equal limits, so the pod is never OOM-killed for memory the node lent it nor
 * throttled below what it was promised. Grafana serving a few operators with provisioned
 * dashboards stays well under 512 MiB. Half a core because a stateless Grafana migrates an
 * empty database at every start, which is CPU-bound; the startup probe gives it time.
 */
export const GRAFANA_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(512), limit: Size.mebibytes(512) },
};

/** One pod: SQLite cannot be shared (see {@link GrafanaChart}). */
export const GRAFANA_REPLICAS = 1;

/** The image's grafana user and group (Grafana's Dockerfile, GF_UID 472). */
const GRAFANA_UID = 472;
const DATA_PATH = '/var/lib/grafana';

/** Properties of {@link GrafanaChart}. */
export interface GrafanaChartProps extends ChartProps {
  /** How Grafana keeps its state (`monitoring.grafana` of the configuration). */
  readonly settings: GrafanaSettings;
  /** Node label of the pool Grafana runs on. */
  readonly nodeSelector: NodePoolSelector;
  /**
   * Grafana image.
   * @default GRAFANA_IMAGE
   */
  readonly image?: string;
  /**
   * docker-registry Secrets in the monitoring namespace for a private registry.
   * @default - none
   */
  readonly imagePullSecretNames?: readonly string[];
}

/**
 * Grafana in the monitoring namespace: a single pod (SQLite cannot be shared), its admin
 * password generated in the cluster, anonymous access and sign-up off, the Prometheus
 * datasource and the platform's dashboards provisioned from ConfigMaps, and a ClusterIP
 * Service the ingress routes to (`WEB_UIS.grafana`). Stateless unless persistence is
 * enabled; README "Monitoring and alerting" says how to sign in.
 */
export class GrafanaChart extends Chart {
  constructor(scope: Construct, id: string, props: GrafanaChartProps) {
    const { namespace, port, serviceName } = WEB_UIS.grafana;
    super(scope, id, { ...props, namespace });
    const persistence = props.settings.persistence;

    const admin = new GeneratedPassword(this, 'AdminPassword', {
      namespace,
      secretName: GRAFANA_ADMIN_SECRET,
      key: GRAFANA_ADMIN_KEYS.password,
      fixedData: { [GRAFANA_ADMIN_KEYS.user]: ADMIN_USER },
    });
    const adminSecret = kplus.Secret.fromSecretName(this, 'AdminSecret', admin.secretName);

    const provisioningData = {
      'datasources.yaml': datasourcesYaml(),
      'dashboards.yaml': dashboardProvidersYaml(),
    };
    const provisioning = new kplus.ConfigMap(this, 'Provisioning', {
      metadata: { name: 'grafana-provisioning' },
      data: provisioningData,
    });
    // One ConfigMap per dashboard keeps each well under the 1 MiB a ConfigMap may hold.
    const dashboards = Object.entries(platformDashboards()).map(([name, model]) => ({
      name,
      configMap: new kplus.ConfigMap(this, `Dashboard${pascal(name)}`, {
        metadata: { name: `grafana-dashboard-${name}` },
        data: { [`${model.uid}.json`]: JSON.stringify(model) },
      }),
    }));

    const deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: 'grafana', labels: { ...GRAFANA_POD_LABELS } },
      replicas: GRAFANA_REPLICAS,
      // A ReadWriteOnce volume cannot attach to a second pod while the first runs.
      strategy: persistence.enabled
        ? kplus.DeploymentStrategy.recreate()
        : kplus.DeploymentStrategy.rollingUpdate({
            maxSurge: kplus.PercentOrAbsolute.absolute(1),
            maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
          }),
      select: false,
      podMetadata: {
        labels: { ...GRAFANA_POD_LABELS },
        // A changed datasource is read at start only: a new hash rolls the pod. Dashboards
        // are reread from their mounted ConfigMaps without a restart.
        annotations: { 'postgres-platform/provisioning-hash': hashOf(provisioningData) },
      },
      automountServiceAccountToken: false,
      securityContext: {
        user: GRAFANA_UID,
        group: GRAFANA_UID,
        ensureNonRoot: true,
        // The claimed volume becomes writable for Grafana; checked once, not file by file.
        fsGroup: GRAFANA_UID,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
    });
    deployment.select(kplus.LabelSelector.of({ labels: { ...GRAFANA_POD_LABELS } }));

    const container = deployment.addContainer({
      name: 'grafana',
      image: props.image ?? GRAFANA_IMAGE,
      // The tag is pinned: a node that has the image needs no registry to restart the pod.
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      resources: GRAFANA_RESOURCES,
      ports: [{ name: 'http', number: port }],
      securityContext: {
        user: GRAFANA_UID,
        group: GRAFANA_UID,
        ensureNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
      envVariables: {
        GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({
          secret: adminSecret,
          key: GRAFANA_ADMIN_KEYS.user,
        }),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({
          secret: adminSecret,
          key: GRAFANA_ADMIN_KEYS.password,
        }),
        ...grafanaSettings(),
      },
      // Ready once the HTTP server and its database answer (Grafana /api/health).
      readiness: kplus.Probe.fromHttpGet('/api/health', { port, periodSeconds: Duration.seconds(10) }),
      liveness: kplus.Probe.fromHttpGet('/api/health', {
        port,
        periodSeconds: Duration.seconds(20),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold: 6,
      }),
      // A start on an empty database runs every migration first (each start, when stateless).
      startup: kplus.Probe.fromHttpGet('/api/health', {
        port,
        periodSeconds: Duration.seconds(10),
        failureThreshold: 30,
      }),
    });

    // Grafana writes its database, sessions and plugin state under /var/lib/grafana and
    // temporary files under /tmp; everything else can stay read-only
    // (grafana-community/helm-charts#729; logs go to the console, see grafanaSettings).
    let data: kplus.Volume;
    if (persistence.enabled) {
      const claim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: { name: 'grafana' },
        spec: {
          storageClassName: DATABASE_STORAGE_CLASS,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: k8s.Quantity.fromString(persistence.size) } },
        },
      });
      data = kplus.Volume.fromPersistentVolumeClaim(
        this,
        'DataVolume',
        kplus.PersistentVolumeClaim.fromClaimName(this, 'DataClaim', claim.name),
        { name: 'data' },
      );
    } else {
      data = kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data', { sizeLimit: Size.gibibytes(1) });
    }
    container.mount(DATA_PATH, data);
    container.mount(
      '/tmp',
      kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp', { sizeLimit: Size.mebibytes(256) }),
    );
    container.mount(
      PROVISIONING_PATH,
      kplus.Volume.fromConfigMap(this, 'ProvisioningVolume', provisioning, {
        name: 'provisioning',
        items: {
          'datasources.yaml': { path: 'datasources/prometheus.yaml' },
          'dashboards.yaml': { path: 'dashboards/platform.yaml' },
        },
      }),
      { readOnly: true },
    );
    for (const { name, configMap } of dashboards) {
      container.mount(
        `${DASHBOARDS_PATH}/${name}`,
        kplus.Volume.fromConfigMap(this, `Dashboard${pascal(name)}Volume`, configMap, {
          name: `dashboard-${name}`,
        }),
        { readOnly: true },
      );
    }

    // On the system pool, selected the way the platform's Helm components are.
    const { nodeSelector } = systemPoolPlacement(props.nodeSelector);
    const pullSecrets = (props.imagePullSecretNames ?? []).map((name) => ({ name }));
    ApiObject.of(deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/nodeSelector', nodeSelector),
      ...(pullSecrets.length > 0 ? [JsonPatch.add('/spec/template/spec/imagePullSecrets', pullSecrets)] : []),
    );

    const service = new kplus.Service(this, 'Service', {
      metadata: { name: serviceName, labels: { ...GRAFANA_POD_LABELS } },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port, targetPort: port }],
    });
    // Exactly the pod label, so a NetworkPolicy that selects it also admits the ClusterIP
    // (the VPC CNI agent's rule for Services with a selector).
    service.selectLabel(Object.keys(GRAFANA_POD_LABELS)[0], GRAFANA_POD_LABELS['app.kubernetes.io/name']);
  }
}

/**
 * Grafana settings as environment variables (`GF_<SECTION>_<KEY>`, Grafana documentation
 * "Configure Grafana", override configuration with environment variables).
 */
function grafanaSettings(): Record<string, kplus.EnvValue> {
  const settings: Record<string, string> = {
    // Nobody can look without signing in, nor make themselves an account.
    GF_AUTH_ANONYMOUS_ENABLED: 'false',
    GF_USERS_ALLOW_SIGN_UP: 'false',
    GF_USERS_ALLOW_ORG_CREATE: 'false',
    // Behind the HTTPS-only ingress; browsers treat http://localhost (port-forward) as secure too.
    GF_SECURITY_COOKIE_SECURE: 'true',
    GF_SECURITY_DISABLE_GRAVATAR: 'true',
    // No writes to /var/log/grafana: the root filesystem is read-only, kubectl logs reads stdout.
    GF_LOG_MODE: 'console',
    // The cluster has no route to the internet for Grafana: no update checks, usage reports,
    // news feed or plugin downloads at start (the bundled plugins, Prometheus among them, serve).
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_NEWS_NEWS_FEED_ENABLED: 'false',
    GF_PLUGINS_PREINSTALL_DISABLED: 'true',
    GF_PLUGINS_PREINSTALL_AUTO_UPDATE: 'false',
    // No "publish to snapshots.raintank.io": tenant metrics stay inside the platform.
    GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
  };
  return Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [name, kplus.EnvValue.fromValue(value)]),
  );
}

/** A short digest of the provisioning files, for the pod annotation that rolls Grafana. */
function hashOf(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

/** `overview` → `Overview`, for construct IDs. */
function pascal(name: string): string {
  return `${name[0].toUpperCase()}${name.slice(1)}`;
}
