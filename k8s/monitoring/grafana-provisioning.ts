/**
 * What Grafana provisions from files at every start (Grafana documentation, "Provision
 * Grafana"): the Prometheus datasource and the provider that loads the platform's
 * dashboards. Everything the platform defines lives here or in the dashboards, so a Grafana
 * without a volume loses nothing of it on restart.
 */
import { stringify } from 'yaml';
import { PROMETHEUS_DATASOURCE_UID } from './dashboards/dashboard';
import { overviewDashboard } from './dashboards/overview-dashboard';
import { tenantDashboard } from './dashboards/tenant-dashboard';
import type { GrafanaDashboard } from './dashboards/dashboard';
import { DEFAULT_SCRAPE_INTERVAL } from './pod-monitor';
import { WEB_UIS } from '../web-uis';

/** Where the provisioning files are mounted (the image's GF_PATHS_PROVISIONING). */
export const PROVISIONING_PATH = '/etc/grafana/provisioning';
/** Where the dashboard ConfigMaps are mounted, one directory each. */
export const DASHBOARDS_PATH = '/var/lib/grafana-dashboards';

/** The in-cluster URL of Prometheus: its Service, as the ingress names it too. */
export const PROMETHEUS_URL = `http://${WEB_UIS.prometheus.serviceName}.${WEB_UIS.prometheus.namespace}.svc:${WEB_UIS.prometheus.port}`;

/** The platform's dashboards, by the name of their ConfigMap's directory. */
export function platformDashboards(): Record<string, GrafanaDashboard> {
  return { overview: overviewDashboard(), tenant: tenantDashboard() };
}

/** `provisioning/datasources/prometheus.yaml`. */
export function datasourcesYaml(): string {
  return stringify({
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        // Fixed, because every dashboard panel references the datasource by uid.
        uid: PROMETHEUS_DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: PROMETHEUS_URL,
        isDefault: true,
        // Provisioned: the UI cannot change it, every start writes it again.
        editable: false,
        // $__rate_interval needs the scrape interval to pick a range that holds two samples.
        jsonData: { timeInterval: DEFAULT_SCRAPE_INTERVAL, httpMethod: 'POST' },
      },
    ],
  });
}

/** `provisioning/dashboards/platform.yaml`: loads every dashboard under {@link DASHBOARDS_PATH}. */
export function dashboardProvidersYaml(): string {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'platform',
        folder: 'PostgreSQL platform',
        type: 'file',
        // The ConfigMaps are the source: the UI cannot delete or save over them.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        // The file provider reads subdirectories too: each ConfigMap has its own.
        options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  });
}
