import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { PROMETHEUS_DATASOURCE_UID } from '../../k8s/monitoring/dashboards/dashboard';
import {
  GRAFANA_ADMIN_KEYS,
  GRAFANA_ADMIN_SECRET,
  GrafanaChart,
  GrafanaChartProps,
  grafanaPasswordCommand,
} from '../../k8s/monitoring/grafana-chart';
import { GRAFANA_POD_LABELS } from '../../k8s/monitoring/labels';
import { NODE_POOL_LABEL, SYSTEM_POOL } from '../../k8s/node-pools';
import { DATABASE_STORAGE_CLASS } from '../../k8s/storage-class-chart';
import { WEB_UIS } from '../../k8s/web-uis';
import { DEFAULT_GRAFANA } from '../../lib/config/monitoring-schema';
import { GRAFANA_IMAGE } from '../../lib/config/versions';
import { KubernetesSchemas, schemasAvailable } from '../conformance/kubernetes-schemas';
import { findSecrets } from '../secret-scan';
import { configWith, exampleConfig, problemsOf } from '../util';

const STATELESS = { persistence: { ...DEFAULT_GRAFANA.persistence } };
const PERSISTENT = { persistence: { enabled: true, size: '10Gi' } };

function synth(overrides: Partial<GrafanaChartProps> = {}): any[] {
  return Testing.synth(
    new GrafanaChart(Testing.app(), 'grafana', {
      settings: STATELESS,
      nodeSelector: { key: NODE_POOL_LABEL, value: SYSTEM_POOL },
      ...overrides,
    }),
  );
}

const find = (objects: any[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const deploymentOf = (objects: any[]) => find(objects, 'Deployment')[0];
const containerOf = (objects: any[]) => deploymentOf(objects).spec.template.spec.containers[0];
const envOf = (objects: any[]): Record<string, any> =>
  Object.fromEntries(containerOf(objects).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('the Grafana Deployment', () => {
  const objects = synth();

  test('runs the pinned image by default, and the configured one when set', () => {
    expect(containerOf(objects).image).toBe(GRAFANA_IMAGE);
    expect(GRAFANA_IMAGE).toMatch(/^docker\.io\/grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(containerOf(synth({ image: 'registry.example.com/grafana:13.2.3' })).image).toBe(
      'registry.example.com/grafana:13.2.3',
    );
  });

  test('requests what it limits, so it is never OOM-killed for borrowed memory', () => {
    const { requests, limits } = containerOf(objects).resources;
    expect(requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(limits).toEqual(requests);
  });

  test('reads the admin user and password from the generated Secret, never from a value', () => {
    const env = envOf(objects);
    expect(env.GF_SECURITY_ADMIN_USER).toEqual({
      secretKeyRef: { name: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.user },
    });
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toEqual({
      secretKeyRef: { name: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.password },
    });
    expect(Object.keys(env).filter((name) => /PASSWORD/.test(name))).toEqual(['GF_SECURITY_ADMIN_PASSWORD']);
  });

  test('admits nobody without signing in: anonymous access, sign-up and org creation are off', () => {
    expect(envOf(objects)).toEqual(
      expect.objectContaining({
        GF_AUTH_ANONYMOUS_ENABLED: 'false',
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_USERS_ALLOW_ORG_CREATE: 'false',
      }),
    );
  });

  test('never calls out to the internet: no update checks, usage reports, plugin downloads or public snapshots', () => {
    expect(envOf(objects)).toEqual(
      expect.objectContaining({
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
        GF_PLUGINS_PREINSTALL_DISABLED: 'true',
        GF_PLUGINS_PREINSTALL_AUTO_UPDATE: 'false',
        GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
      }),
    );
  });

  test('runs as the image’s grafana user on a read-only root filesystem, within the restricted pod security standard', () => {
    expect(containerOf(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 472,
      runAsNonRoot: true,
      runAsUser: 472,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // Logs go to stdout, not to the read-only /var/log/grafana.
    expect(envOf(objects).GF_LOG_MODE).toBe('console');
  });

  test('writes only to its data directory and /tmp; provisioning is mounted read-only', () => {
    const mounts = Object.fromEntries(
      containerOf(objects).volumeMounts.map((m: any) => [m.mountPath, m.readOnly ?? false]),
    );
    expect(mounts).toEqual({
      '/var/lib/grafana': false,
      '/tmp': false,
      '/etc/grafana/provisioning': true,
      '/var/lib/grafana-dashboards/overview': true,
      '/var/lib/grafana-dashboards/tenant': true,
    });
  });

  test('probes /api/health, with a startup probe that gives the first migration five minutes', () => {
    const container = containerOf(objects);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/api/health', port: 3000, scheme: 'HTTP' });
    }
    const startup = container.startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBe(300);
  });

  test('runs on the system pool', () => {
    expect(deploymentOf(objects).spec.template.spec.nodeSelector).toEqual({ [NODE_POOL_LABEL]: SYSTEM_POOL });
  });

  test('labels its pods as the monitoring NetworkPolicies select them, and selects them by that label', () => {
    const deployment = deploymentOf(objects);
    expect(deployment.spec.template.metadata.labels).toEqual(expect.objectContaining(GRAFANA_POD_LABELS));
    expect(deployment.spec.selector).toEqual({ matchLabels: GRAFANA_POD_LABELS });
  });

  test('mounts no service account token: Grafana never calls the Kubernetes API', () => {
    expect(deploymentOf(objects).spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('pulls with the configured registry Secrets, and with none by default', () => {
    expect(deploymentOf(objects).spec.template.spec.imagePullSecrets).toBeUndefined();
    const pulled = synth({ imagePullSecretNames: ['registry'] });
    expect(deploymentOf(pulled).spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
  });

  test('rolls the pod when the datasource changes: provisioning is read at start only', () => {
    const annotations = deploymentOf(objects).spec.template.metadata.annotations;
    expect(annotations['postgres-platform/provisioning-hash']).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('the Grafana Service', () => {
  test('is the ClusterIP Service the ingress routes to, selecting exactly the pod label', () => {
    const [service] = find(synth(), 'Service');
    expect(service.metadata).toEqual(
      expect.objectContaining({ name: WEB_UIS.grafana.serviceName, namespace: WEB_UIS.grafana.namespace }),
    );
    expect(service.spec).toEqual(
      expect.objectContaining({
        type: 'ClusterIP',
        ports: [{ name: 'http', port: WEB_UIS.grafana.port, targetPort: WEB_UIS.grafana.port }],
        selector: GRAFANA_POD_LABELS,
      }),
    );
  });
});

describe('the admin credentials', () => {
  const objects = synth();

  test('are generated in the cluster once, with the user name as a fixed key', () => {
    const [secret] = find(objects, 'ExternalSecret', GRAFANA_ADMIN_SECRET);
    expect(secret.spec.refreshPolicy).toBe('CreatedOnce');
    expect(secret.spec.target.template.data).toEqual({
      [GRAFANA_ADMIN_KEYS.user]: 'admin',
      [GRAFANA_ADMIN_KEYS.password]: '{{ .password }}',
    });
  });

  test('are read with the command the README and the platform stack output give', () => {
    expect(grafanaPasswordCommand()).toBe(
      "kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d; echo",
    );
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(grafanaPasswordCommand());
  });

  test('leave no secret material in the manifest', () => {
    expect(findSecrets(JSON.stringify(objects))).toEqual([]);
  });
});

describe('the provisioned datasource', () => {
  const [provisioning] = find(synth(), 'ConfigMap', 'grafana-provisioning');
  const datasources = parse(provisioning.data['datasources.yaml']).datasources;

  test('is Prometheus at its in-cluster Service, under the uid every panel references', () => {
    expect(datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        uid: PROMETHEUS_DATASOURCE_UID,
        url: `http://${WEB_UIS.prometheus.serviceName}.${WEB_UIS.prometheus.namespace}.svc:${WEB_UIS.prometheus.port}`,
        isDefault: true,
        editable: false,
      }),
    ]);
  });

  test('knows the scrape interval, which $__rate_interval builds on', () => {
    expect(datasources[0].jsonData.timeInterval).toBe('30s');
  });
});

describe('persistence', () => {
  test('stateless by default: an emptyDir for data, no claim, and rolling updates without downtime', () => {
    expect(exampleConfig().monitoring.grafana).toEqual(STATELESS);
    const objects = synth();
    expect(find(objects, 'PersistentVolumeClaim')).toEqual([]);
    const spec = deploymentOf(objects).spec;
    expect(spec.template.spec.volumes.find((v: any) => v.name === 'data')).toEqual({
      name: 'data',
      emptyDir: { sizeLimit: '1024Mi' },
    });
    expect(spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  test('persistent: a claim of the configured size on the encrypted gp3 class, replaced with Recreate', () => {
    const objects = synth({ settings: PERSISTENT });
    const [claim] = find(objects, 'PersistentVolumeClaim');
    expect(claim.spec).toEqual({
      storageClassName: DATABASE_STORAGE_CLASS,
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
    });
    const spec = deploymentOf(objects).spec;
    expect(
      spec.template.spec.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName,
    ).toBe(claim.metadata.name);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    // The volume is writable for the grafana user.
    expect(spec.template.spec.securityContext.fsGroup).toBe(472);
  });

  test('is switched on in the configuration', () => {
    const config = configWith((doc) => (doc.monitoring = { grafana: { persistence: { enabled: true } } }));
    expect(config.monitoring.grafana).toEqual({ persistence: { enabled: true, size: '5Gi' } });
  });
});

describe('monitoring.grafana and images.grafana', () => {
  test('a volume size outside 1Gi to 100Gi is refused with the allowed range', () => {
    expect(
      problemsOf((doc) => (doc.monitoring = { grafana: { persistence: { enabled: true, size: '500Gi' } } })),
    ).toEqual([
      'monitoring.grafana.persistence.size: got "500Gi", expected a size from 1Gi to 100Gi, such as 5Gi',
    ]);
  });

  test('a size that is not a quantity is refused', () => {
    expect(problemsOf((doc) => (doc.monitoring = { grafana: { persistence: { size: '5 GB' } } }))).toEqual([
      'monitoring.grafana.persistence.size: got "5 GB", expected a size from 1Gi to 100Gi, such as 5Gi',
    ]);
  });

  test('persistence that is not true or false is refused', () => {
    expect(problemsOf((doc) => (doc.monitoring = { grafana: { persistence: { enabled: 'yes' } } }))).toEqual([
      'monitoring.grafana.persistence.enabled: got "yes", expected a boolean',
    ]);
  });

  test('an unknown Grafana setting is refused', () => {
    expect(problemsOf((doc) => (doc.monitoring = { grafana: { anonymous: true } }))).toEqual([
      expect.stringMatching(/^monitoring\.grafana\.anonymous: unknown key/),
    ]);
  });

  test('an image without a tag is refused', () => {
    expect(problemsOf((doc) => (doc.images = { grafana: 'grafana/grafana' }))).toEqual([
      expect.stringMatching(/^images\.grafana: got "grafana\/grafana", expected a full image reference/),
    ]);
  });
});

(schemasAvailable() ? describe : describe.skip)('conformance of both variants', () => {
  test('every object of the stateless and the persistent chart validates against its schema', () => {
    const schemas = new KubernetesSchemas();
    const problems = [...synth(), ...synth({ settings: PERSISTENT })]
      // ESO's kinds have no schema offline (test/conformance/manifests.test.ts).
      .filter((object) => !object.apiVersion.includes('external-secrets.io'))
      .flatMap((object) =>
        schemas.validate(object).map((p) => `${object.kind}/${object.metadata.name}: ${p}`),
      );
    expect(problems).toEqual([]);
  });
});
