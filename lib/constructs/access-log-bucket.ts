import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Prefix under which load balancers of this account deliver their access logs. */
export const LOAD_BALANCER_LOG_PREFIX = 'nlb';
/** Prefix under which S3 server access logs of this account's buckets are delivered. */
export const SERVER_ACCESS_LOG_PREFIX = 's3';

/** Properties of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /**
   * Days to keep access logs.
   * @default 365
   */
  readonly retentionDays?: number;
}

/**
 * The environment's bucket for access logs (S3 server access logs of backup buckets, and
 * load balancer access logs). S3-managed encryption, because neither log delivery service
 * can write with a customer-managed key; TLS only, no public access, retained.
 */
export class AccessLogBucket extends Construct {
  /** The bucket. */
  readonly bucket: s3.Bucket;
  /**
   * The same bucket as a reference, for buckets and load balancers in other stacks to log
   * into. A bucket given the bucket itself as `serverAccessLogsBucket` adds a statement for
   * its prefix to this bucket's policy; through the reference it adds nothing, because log
   * delivery is granted once here, for the whole account. So adding a tenant never changes
   * the platform stack (and the policy never nears S3's 20 KB limit).
   */
  readonly logTarget: s3.IBucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          expiration: Duration.days(props.retentionDays ?? 365),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    // Load balancer access log delivery, once for every load balancer of this account under
    // nlb/, so stacks that add load balancers never need to change this bucket's policy.
    const { account } = Stack.of(this);
    const logDelivery = new iam.ServicePrincipal('delivery.logs.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [logDelivery],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${LOAD_BALANCER_LOG_PREFIX}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': account },
        },
      }),
    );
    // S3 server access log delivery, once for every bucket of this account under s3/
    // (Amazon S3 User Guide, "Permissions for log delivery": the logging service principal,
    // restricted to source buckets of this account).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${SERVER_ACCESS_LOG_PREFIX}/*`)],
        conditions: fromThisAccount,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [logDelivery],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: fromThisAccount,
      }),
    );
    this.logTarget = s3.Bucket.fromBucketAttributes(this, 'LogTarget', {
      bucketArn: this.bucket.bucketArn,
      bucketName: this.bucket.bucketName,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'This is the access log bucket: logging its own accesses into itself would log every log delivery, ' +
        'endlessly; CloudTrail data events can audit it if required.',
    });
  }
}
