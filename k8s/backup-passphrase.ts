import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { BACKUP_PASSPHRASE_SCRIPT } from './backup-passphrase-script';

/** Label of the passphrase Job's pods (NetworkPolicies select them by it). */
export const BACKUP_PASSPHRASE_JOB_LABEL = { 'postgres-platform/job': 'backup-passphrase' };

/** Properties of {@link BackupPassphrase}. */
export interface BackupPassphraseProps {
  /** The tenant namespace. */
  readonly namespace: string;
  /** Name of the Secret that holds the passphrase (as a pgBackRest configuration file). */
  readonly secretName: string;
  /** Image with bash and coreutils that prepares the Secret manifest. */
  readonly generatorImage: string;
  /** Image with kubectl that applies it. */
  readonly kubectlImage: string;
  /**
   * Image pull Secret names.
   * @default - none
   */
  readonly imagePullSecretNames?: string[];
}

/**
 * Creates the pgBackRest cipher passphrase of a tenant inside the cluster, so it never
 * appears in a template or a manifest. A Job mounts the passphrase Secret (optional): when
 * it exists, the Job re-applies its content unchanged; only when it does not is a new random
 * passphrase generated. Re-running the Job can therefore never replace a passphrase, which
 * would make every backup of the repository unreadable.
 *
 * The Job's name carries a hash of its pod template: a changed image makes a new Job (Job
 * templates are immutable) and the old one is pruned.
 */
export class BackupPassphrase extends Construct {
  constructor(scope: Construct, id: string, props: BackupPassphraseProps) {
    super(scope, id);
    const name = `${props.secretName}-writer`;
    const metadata = { name, namespace: props.namespace };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        // Kubernetes cannot limit `create` to a resource name; everything else is limited to this Secret.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: [props.secretName],
          verbs: ['get', 'patch'],
        },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: props.namespace }],
    });

    const containerSecurity = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
    const podTemplate = {
      metadata: { labels: BACKUP_PASSPHRASE_JOB_LABEL },
      spec: {
        serviceAccountName: name,
        restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
        imagePullSecrets: props.imagePullSecretNames?.map((secret) => ({ name: secret })),
        initContainers: [
          {
            name: 'prepare',
            image: props.generatorImage,
            command: ['bash', '-c', BACKUP_PASSPHRASE_SCRIPT],
            env: [
              { name: 'SECRET_NAME', value: props.secretName },
              { name: 'SECRET_NAMESPACE', value: props.namespace },
            ],
            securityContext: containerSecurity,
            volumeMounts: [
              { name: 'existing', mountPath: '/existing', readOnly: true },
              { name: 'work', mountPath: '/work' },
            ],
          },
        ],
        containers: [
          {
            name: 'apply',
            image: props.kubectlImage,
            args: ['apply', '-f', '/work/secret.yaml'],
            securityContext: containerSecurity,
            volumeMounts: [{ name: 'work', mountPath: '/work', readOnly: true }],
          },
        ],
        volumes: [
          { name: 'existing', secret: { secretName: props.secretName, optional: true } },
          { name: 'work', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
        ],
      },
    };
    const hash = createHash('sha256').update(JSON.stringify(podTemplate)).digest('hex').slice(0, 8);
    new k8s.KubeJob(this, 'Job', {
      metadata: { name: `${name}-${hash}`, namespace: props.namespace },
      spec: { backoffLimit: 4, ttlSecondsAfterFinished: 86400, template: podTemplate as k8s.PodTemplateSpec },
    });
  }
}
