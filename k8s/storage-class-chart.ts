import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';

/** Name of the StorageClass database volumes are claimed from. */
export const DATABASE_STORAGE_CLASS = 'gp3';

/** Properties of {@link StorageClassChart}. */
export interface StorageClassChartProps extends ChartProps {
  /** ARN of the KMS key that encrypts every volume of the class. */
  readonly volumeKeyArn: string;
}

/**
 * The cluster's default StorageClass: EBS gp3, encrypted with the platform's key, bound only
 * once a pod is scheduled (so the volume is created in that pod's zone), expandable in
 * place, and retained when its claim is deleted, so deleting a claim never deletes a
 * database's data.
 */
export class StorageClassChart extends Chart {
  constructor(scope: Construct, id: string, props: StorageClassChartProps) {
    super(scope, id, props);
    new k8s.KubeStorageClass(this, 'Gp3', {
      metadata: {
        name: DATABASE_STORAGE_CLASS,
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        type: 'gp3',
        encrypted: 'true',
        kmsKeyId: props.volumeKeyArn,
        'csi.storage.k8s.io/fstype': 'ext4',
      },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Retain',
    });
  }
}
