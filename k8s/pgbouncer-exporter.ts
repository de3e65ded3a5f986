/**
 * The PgBouncer metrics exporter (prometheus-community/pgbouncer_exporter), run as a sidecar of
 * each PgBouncer pod through `spec.proxy.pgBouncer.containers`. PGO v6's own exporter runs
 * beside PostgreSQL only and has no PgBouncer queries, so without this sidecar nothing reports
 * PgBouncer's pools.
 *
 * How it reaches PgBouncer (CrunchyData/postgres-operator internal/pgbouncer/config.go,
 * clusterINI and authFileContents):
 * - PgBouncer knows one user, `_crunchypgbouncer` (`PostgresqlUser`), whose password PGO keeps
 *   in the `<cluster>-pgbouncer` Secret under `pgbouncer-password` (`passwordSecretKey`) and
 *   writes into PgBouncer's auth_file.
 * - PGO sets no `admin_users`; it sets `stats_users` only with the OpenTelemetry metrics
 *   feature gate. `config.global` overrides every generated setting, so the chart adds
 *   `stats_users` there: read-only SHOW commands on the `pgbouncer` console database.
 * - `client_tls_sslmode = require`, on every address (`listen_addr = *`), so the exporter
 *   connects to localhost with `sslmode=require`; the port is `spec.proxy.pgBouncer.port`,
 *   5432 by default (the CRD's default).
 * The exporter's database driver is lib/pq (its go.mod), which reads `PGPASSWORD` from the
 * environment: the password comes from the Secret through `secretKeyRef` and never appears in
 * the manifest or on the command line (`--pgBouncer.connectionString`, pgbouncer_exporter.go).
 */
import { guaranteed, SIDECAR_SIZES } from '../lib/config/tenant-pods';
import { PGBOUNCER_EXPORTER_IMAGE } from '../lib/config/versions';
import { PGBOUNCER_EXPORTER_PORT, POSTGRES_PORT } from './tenant-network-policies';

/** The exporter's default listen port (pgbouncer_exporter.go `--web.listen-address` `:9127`). */
export { PGBOUNCER_EXPORTER_PORT };
/** Name of the exporter's container port; the PgBouncer PodMonitor scrapes it by name. */
export const PGBOUNCER_EXPORTER_PORT_NAME = 'pgbouncer-exp';
/** busybox's `nobody`, the user of the exporter's image (quay.io/prometheus/busybox base). */
const NOBODY_UID = 65534;
/** Name of the sidecar container. */
export const PGBOUNCER_EXPORTER_CONTAINER = 'pgbouncer-exporter';
/** The only user PgBouncer authenticates itself (PGO internal/pgbouncer/postgres.go `PostgresqlUser`). */
export const PGBOUNCER_USER = '_crunchypgbouncer';
/** Key of PgBouncer's password in `<cluster>-pgbouncer` (PGO internal/pgbouncer/config.go). */
export const PGBOUNCER_PASSWORD_KEY = 'pgbouncer-password';

/** A container as `spec.proxy.pgBouncer.containers` takes it (the fields set here). */
export interface SidecarContainer {
  readonly name: string;
  readonly image: string;
  readonly args: string[];
  readonly env: {
    readonly name: string;
    readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
  }[];
  readonly ports: { readonly name: string; readonly containerPort: number; readonly protocol: 'TCP' }[];
  readonly resources: ReturnType<typeof guaranteed>;
  readonly securityContext: {
    readonly runAsNonRoot: true;
    readonly runAsUser: number;
    readonly allowPrivilegeEscalation: false;
    readonly readOnlyRootFilesystem: true;
    readonly privileged: false;
    readonly capabilities: { readonly drop: ['ALL'] };
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
}

/** Properties of {@link pgBouncerExporterContainer}. */
export interface PgBouncerExporterProps {
  /** Name of the PostgresCluster; PGO names PgBouncer's Secret `<cluster>-pgbouncer`. */
  readonly clusterName: string;
  /**
   * The exporter image.
   * @default PGBOUNCER_EXPORTER_IMAGE
   */
  readonly image?: string;
}

/** The exporter sidecar of one cluster's PgBouncer pods. */
export function pgBouncerExporterContainer(props: PgBouncerExporterProps): SidecarContainer {
  return {
    name: PGBOUNCER_EXPORTER_CONTAINER,
    image: props.image ?? PGBOUNCER_EXPORTER_IMAGE,
    args: [
      `--pgBouncer.connectionString=postgres://${PGBOUNCER_USER}@localhost:${POSTGRES_PORT}/pgbouncer?sslmode=require`,
      `--web.listen-address=:${PGBOUNCER_EXPORTER_PORT}`,
    ],
    env: [
      {
        name: 'PGPASSWORD',
        valueFrom: { secretKeyRef: { name: `${props.clusterName}-pgbouncer`, key: PGBOUNCER_PASSWORD_KEY } },
      },
    ],
    ports: [{ name: PGBOUNCER_EXPORTER_PORT_NAME, containerPort: PGBOUNCER_EXPORTER_PORT, protocol: 'TCP' }],
    resources: guaranteed(SIDECAR_SIZES.pgBouncerExporter),
    securityContext: {
      runAsNonRoot: true,
      // The image runs as `USER nobody` (its Dockerfile): a name the kubelet cannot check
      // against runAsNonRoot, so the numeric id of busybox's nobody.
      runAsUser: NOBODY_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** The `config.global` settings the exporter needs: read-only console access for PgBouncer's user. */
export const PGBOUNCER_EXPORTER_SETTINGS = { stats_users: PGBOUNCER_USER } as const;
