import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { awsSolutionsRule } from './nag-findings';
import { PodIdentityRole } from './pod-identity-role';
import { NodePoolSelector, SystemChartProps } from './system-chart';

/** Namespace and name of external-dns's service account. */
export const EXTERNAL_DNS_SERVICE_ACCOUNT = { namespace: 'external-dns', name: 'external-dns' } as const;

/** external-dns policies: `upsert-only` never deletes; `sync` deletes the records it owns once their source is gone. */
export type ExternalDnsPolicy = 'upsert-only' | 'sync';

/** Properties of {@link ExternalDns}. */
export interface ExternalDnsProps extends SystemChartProps {
  /** The cluster; its Pod Identity agent gives external-dns its role. */
  readonly cluster: eks.Cluster;
  /** The Route 53 zone external-dns may change, and the only one. */
  readonly hostedZone: route53.IHostedZone;
  /** The domain external-dns manages records under (`--domain-filter`). */
  readonly domain: string;
  /** Owner of the records (TXT registry): one per environment, so environments sharing a zone leave each other's records alone. */
  readonly txtOwnerId: string;
  /** The IngressClass whose Ingresses it publishes; other Ingresses are ignored. */
  readonly ingressClass: string;
  /**
   * What external-dns may do to records.
   * @default 'upsert-only'
   */
  readonly policy?: ExternalDnsPolicy;
}

/**
 * external-dns, installed with Helm on the system pool: it publishes the hostnames of the
 * web UI Ingresses as alias records to their load balancer, in one Route 53 zone. Its role
 * may change records in that zone only, and only names under the configured domain.
 */
export class ExternalDns extends Construct {
  /** The Helm release. */
  readonly chart: eks.HelmChart;
  /** The role its pods assume. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const identity = new PodIdentityRole(this, 'Identity', {
      cluster: props.cluster,
      namespace: EXTERNAL_DNS_SERVICE_ACCOUNT.namespace,
      serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT.name,
      purpose: 'external-dns',
    });
    this.role = identity.role;
    grantRecordChanges(this.role, props.hostedZone, props.domain);

    this.chart = new eks.HelmChart(this, 'Chart', {
      cluster: props.cluster,
      chart: props.chart,
      repository: props.repository,
      version: props.version,
      release: 'external-dns',
      namespace: EXTERNAL_DNS_SERVICE_ACCOUNT.namespace,
      createNamespace: true,
      wait: true,
      timeout: Duration.minutes(10),
      values: externalDnsValues({
        ...props,
        hostedZoneId: props.hostedZone.hostedZoneId,
        region: Stack.of(this).region,
      }),
    });
    // Its pods must find their association when they start, or they run without credentials.
    this.chart.node.addDependency(identity.association, identity.role);
  }
}

/**
 * The documented policy (external-dns docs/tutorials/aws.md, "IAM Policy"), narrowed to one
 * zone and to names under `domain` (Route 53 condition key
 * `route53:ChangeResourceRecordSetsNormalizedRecordNames`: lower case, no trailing dot).
 */
function grantRecordChanges(role: iam.Role, zone: route53.IHostedZone, domain: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ChangeRecordsUnderTheDomain',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [zone.hostedZoneArn],
      conditions: {
        'ForAllValues:StringLike': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [domain, `*.${domain}`],
        },
      },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadTheZone',
      actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
      resources: [zone.hostedZoneArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'FindTheZone',
      actions: ['route53:ListHostedZones'],
      resources: ['*'],
    }),
  );
  Validations.of(role).acknowledge({
    id: `${awsSolutionsRule('IAM5')}[Resource::*]`,
    reason:
      'route53:ListHostedZones supports no resource-level permission (Service Authorization Reference, Route 53), ' +
      'so it takes "*"; it lists zone names and ids only. external-dns is limited to the configured zone by ' +
      '--zone-id-filter, and its changes by the zone ARN and a record-name condition.',
  });
}

/** What {@link externalDnsValues} needs. */
export interface ExternalDnsValuesProps {
  readonly hostedZoneId: string;
  readonly region: string;
  readonly domain: string;
  readonly txtOwnerId: string;
  readonly ingressClass: string;
  readonly policy?: ExternalDnsPolicy;
  readonly nodeSelector: NodePoolSelector;
}

/** Requests equal limits: external-dns polls one zone once a minute. */
export const EXTERNAL_DNS_RESOURCES = {
  requests: { cpu: '50m', memory: '96Mi' },
  limits: { cpu: '50m', memory: '96Mi' },
};

/** The chart values (chart 1.21.1 values.yaml; flags from external-dns docs/flags.md). */
export function externalDnsValues(props: ExternalDnsValuesProps): Record<string, unknown> {
  return {
    provider: { name: 'aws' },
    // Route 53 is global, but the AWS SDK needs a region to sign with.
    env: [{ name: 'AWS_DEFAULT_REGION', value: props.region }],
    sources: ['ingress'],
    domainFilters: [props.domain],
    policy: props.policy ?? 'upsert-only',
    registry: 'txt',
    txtOwnerId: props.txtOwnerId,
    extraArgs: [
      // Only this zone, even where the account holds others for the same domain.
      `--zone-id-filter=${props.hostedZoneId}`,
      // Only the web UI Ingresses: no other Ingress can claim a name in the zone.
      `--ingress-class=${props.ingressClass}`,
    ],
    serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT.name },
    nodeSelector: { [props.nodeSelector.key]: props.nodeSelector.value },
    resources: EXTERNAL_DNS_RESOURCES,
  };
}
