/**
 * A typed TargetGroupBinding (AWS Load Balancer Controller, `elbv2.k8s.aws/v1beta1`): the
 * controller keeps a target group's targets equal to the endpoints of a Service. Checked
 * against the real CRD by the conformance tests.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Properties of {@link TargetGroupBinding}. */
export interface TargetGroupBindingProps {
  /** Name and namespace. */
  readonly metadata: { readonly name: string; readonly namespace: string };
  /** ARN of the target group (type `ip`). */
  readonly targetGroupArn: string;
  /** The Service whose endpoints (pods) become targets, and its port. */
  readonly service: { readonly name: string; readonly port: number };
  /** Security group of the load balancer; the controller lets it reach the pods on `podPort`. */
  readonly loadBalancerSecurityGroupId: string;
  /** Port the pods listen on. */
  readonly podPort: number;
}

/** A TargetGroupBinding with IP targets and managed security group rules. */
export class TargetGroupBinding extends ApiObject {
  constructor(scope: Construct, id: string, props: TargetGroupBindingProps) {
    super(scope, id, {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: props.metadata,
      spec: {
        targetType: 'ip',
        targetGroupARN: props.targetGroupArn,
        serviceRef: { name: props.service.name, port: props.service.port },
        networking: {
          ingress: [
            {
              from: [{ securityGroup: { groupID: props.loadBalancerSecurityGroupId } }],
              ports: [{ protocol: 'TCP', port: props.podPort }],
            },
          ],
        },
      },
    });
  }
}
