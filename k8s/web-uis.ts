import { tenantNamespace } from './tenant-database-chart';

/**
 * The web UIs the platform serves behind its ALB ingress: where each one's Service lives, so
 * the charts that create the Services and the ingress that routes to them agree on one name.
 */
export interface WebUi {
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Name of the Service the ingress routes to. */
  readonly serviceName: string;
  /** Port of the Service. */
  readonly port: number;
  /** First label of the default hostname, under the configured domain. */
  readonly defaultHostLabel: string;
  /**
   * A path that answers 200 without signing in, for the load balancer's health check.
   * @default - the load balancer's default (`/`)
   */
  readonly healthCheckPath?: string;
}

/** The platform's web UIs, by name. */
export const WEB_UIS = {
  grafana: { namespace: 'monitoring', serviceName: 'grafana', port: 3000, defaultHostLabel: 'grafana' },
  prometheus: {
    namespace: 'monitoring',
    serviceName: 'prometheus',
    port: 9090,
    defaultHostLabel: 'prometheus',
  },
  alertmanager: {
    namespace: 'monitoring',
    serviceName: 'alertmanager',
    port: 9093,
    defaultHostLabel: 'alertmanager',
  },
} as const satisfies Record<string, WebUi>;

/** Name of a web UI. */
export type WebUiName = keyof typeof WEB_UIS;

/**
 * The label of the namespaces whose Ingresses may join the web UI ALB's group (its
 * IngressClassParams `namespaceSelector`): the namespace of every UI carries it.
 */
export const WEB_UI_NAMESPACE_LABEL = { 'postgres-platform/web-ui-ingress': 'allowed' } as const;

/**
 * The pgAdmin of one tenant. Not in {@link WEB_UIS}: PGO's pgAdmin discovers PostgresClusters
 * in its own namespace only (PGO internal/controller/standalone_pgadmin/related.go,
 * getClustersForPGAdmin lists `client.InNamespace(pgAdmin.Namespace)`), and each tenant has
 * its own namespace, so every tenant runs its own pgAdmin, Service and hostname. No Service
 * `pgadmin/pgadmin` exists to route to, and in an ingress group one Ingress the controller
 * cannot build (a missing Service, a host without a certificate) stops the whole ALB from
 * reconciling (kubernetes-sigs/aws-load-balancer-controller#3790, "by design"): a route per
 * tenant needs its hostname covered by the ALB's certificate.
 */
export function tenantPgAdminUi(tenantName: string): WebUi {
  return {
    namespace: tenantNamespace(tenantName),
    serviceName: 'pgadmin',
    port: 5050,
    defaultHostLabel: `pgadmin-${tenantName}`,
    // `/` redirects to the login page (302); pgAdmin's ping route answers 200 "PING".
    healthCheckPath: '/misc/ping',
  };
}
