import { Construct } from 'constructs';
import { Certificate, CERTIFICATE_KEY, clusterIssuerRef } from './cert-manager';

/**
 * The user PGO's replication and pg_rewind connections authenticate as, with a client
 * certificate whose common name is this user (PGO internal/postgres `ReplicationUser`,
 * internal/controller/postgrescluster/postgres.go `reconcileReplicationSecret`).
 */
export const REPLICATION_USER = '_crunchyrepl';

/** Kubernetes' cluster DNS domain; EKS uses the default. */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * Validity of tenant certificates: 90 days, renewed 30 days ahead. PGO mounts the Secrets
 * through projected volumes, which the kubelet refreshes in place, and its sidecars send
 * PostgreSQL and PgBouncer a SIGHUP when the files change (PGO internal/postgres/config.go and
 * internal/pgbouncer/config.go `reloadCommand`): renewals need no restart.
 */
export const TENANT_CERTIFICATE_VALIDITY = { duration: '2160h', renewBefore: '720h' } as const;

/** The Secrets cert-manager writes for a tenant, each with `tls.crt`, `tls.key` and `ca.crt`. */
export interface TenantTlsSecretNames {
  /** PostgreSQL's server certificate (`spec.customTLSSecret`). */
  readonly postgres: string;
  /** The replication client certificate (`spec.customReplicationTLSSecret`). */
  readonly replication: string;
  /** PgBouncer's server certificate (`spec.proxy.pgBouncer.customTLSSecret`). */
  readonly pgBouncer: string;
}

/** The TLS Secret names of the cluster `name`. */
export function tenantTlsSecretNames(name: string): TenantTlsSecretNames {
  return {
    postgres: `${name}-postgres-tls`,
    replication: `${name}-replication-tls`,
    pgBouncer: `${name}-pgbouncer-tls`,
  };
}

/**
 * The DNS names of a Service, in the order PGO lists them for its own certificates: fully
 * qualified first (PGO internal/naming `ServiceDNSNames`).
 */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}`,
    service,
  ];
}

/** Properties of {@link TenantTls}. */
export interface TenantTlsProps {
  /** The tenant's namespace. */
  readonly namespace: string;
  /** The PostgresCluster's name. */
  readonly clusterName: string;
  /** The ClusterIssuer that signs the certificates. */
  readonly issuerName: string;
  /** Names of PGO's Services: the primary, the replicas and PgBouncer. */
  readonly services: { readonly primary: string; readonly replicas: string; readonly pgBouncer: string };
  /**
   * The tenant's private DNS name, which customers connect to.
   * @default - no private DNS name: certificates hold in-cluster names only
   */
  readonly privateDnsName?: string;
}

/**
 * A tenant's certificates, signed by the platform CA: PostgreSQL's and PgBouncer's server
 * certificates, and the replication client certificate. PGO needs the last one as soon as
 * PostgreSQL's is custom: PostgreSQL then trusts the custom `ca.crt` only, so the
 * certificate PGO would generate for `_crunchyrepl` from its own root would be refused (PGO
 * docs "Customize TLS": "If spec.customTLSSecret is provided you must also provide
 * spec.customReplicationTLSSecret and both must contain the same ca.crt").
 *
 * The server certificates hold the names PGO puts in its own (the primary and replica
 * Services for PostgreSQL, the PgBouncer Service for PgBouncer: PGO
 * internal/controller/postgrescluster/pki.go), so PgBouncer keeps verifying PostgreSQL against
 * `ca.crt` (internal/pgbouncer/certificates.go `backendAuthority`), plus the tenant's private
 * DNS name, which customers reach through PrivateLink: PgBouncer on the read-write port, the
 * replicas on the read-only port.
 */
export class TenantTls extends Construct {
  /** The Secret names PGO reads. */
  readonly secretNames: TenantTlsSecretNames;

  constructor(scope: Construct, id: string, props: TenantTlsProps) {
    super(scope, id);
    const { namespace, services } = props;
    this.secretNames = tenantTlsSecretNames(props.clusterName);
    const customerNames = props.privateDnsName ? [props.privateDnsName] : [];
    const common = {
      issuerRef: clusterIssuerRef(props.issuerName),
      ...TENANT_CERTIFICATE_VALIDITY,
      privateKey: CERTIFICATE_KEY,
    };

    new Certificate(this, 'Postgres', {
      metadata: { name: this.secretNames.postgres, namespace },
      spec: {
        ...common,
        secretName: this.secretNames.postgres,
        // PGO docs "Customize TLS": the common name should be the primary Service's name.
        commonName: services.primary,
        dnsNames: [
          ...serviceDnsNames(services.primary, namespace),
          ...serviceDnsNames(services.replicas, namespace),
          ...customerNames,
        ],
        usages: ['server auth', 'digital signature', 'key encipherment'],
      },
    });
    new Certificate(this, 'Replication', {
      metadata: { name: this.secretNames.replication, namespace },
      spec: {
        ...common,
        secretName: this.secretNames.replication,
        commonName: REPLICATION_USER,
        usages: ['client auth', 'digital signature', 'key encipherment'],
      },
    });
    new Certificate(this, 'PgBouncer', {
      metadata: { name: this.secretNames.pgBouncer, namespace },
      spec: {
        ...common,
        secretName: this.secretNames.pgBouncer,
        commonName: services.pgBouncer,
        dnsNames: [...serviceDnsNames(services.pgBouncer, namespace), ...customerNames],
        usages: ['server auth', 'digital signature', 'key encipherment'],
      },
    });
  }
}
