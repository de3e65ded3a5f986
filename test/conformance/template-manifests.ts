/**
 * Finds every Kubernetes object a synthesized template applies through the kubectl provider
 * (`KubernetesManifest`, `addManifest`, `addCdk8sChart`, service accounts).
 */
import type { KubernetesObject } from './kubernetes-schemas';

/** The resource type of manifests applied by the aws-eks-v2 kubectl provider. */
export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/** Stands in for a CloudFormation token (Ref, Fn::GetAtt, ...) inside a manifest. */
export const TOKEN_PLACEHOLDER = '${Token}';

/** One manifest resource of a template. */
export interface TemplateManifest {
  /** The logical ID of the custom resource. */
  readonly logicalId: string;
  /** The manifest JSON as sent to the kubectl Lambda, tokens replaced by placeholders. */
  readonly json: string;
  /** The Kubernetes objects it applies. */
  readonly objects: KubernetesObject[];
}

/** Renders a CloudFormation intrinsic (Ref, Fn::GetAtt, ...) as text inside a manifest. */
export type TokenRenderer = (intrinsic: unknown) => string;

/** Renders `{"Ref": "X"}` as `Ref(X)` and `{"Fn::GetAtt": ["X", "Arn"]}` as `GetAtt(X.Arn)`, to see what a manifest points at. */
export const describeToken: TokenRenderer = (intrinsic) => {
  const value = intrinsic as Record<string, any>;
  if (value && 'Ref' in value) {
    return `Ref(${value.Ref})`;
  }
  if (value && 'Fn::GetAtt' in value) {
    return `GetAtt(${value['Fn::GetAtt'].join('.')})`;
  }
  return TOKEN_PLACEHOLDER;
};

/** Every manifest of a template (the JSON of `Template.toJSON()` or a cdk.out template file). */
export function manifestsOf(
  template: { Resources?: Record<string, any> },
  renderToken: TokenRenderer = () => TOKEN_PLACEHOLDER,
): TemplateManifest[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === MANIFEST_RESOURCE_TYPE)
    .map(([logicalId, resource]) => {
      const json = renderTokens(resource.Properties.Manifest, renderToken);
      let objects: KubernetesObject[];
      try {
        objects = JSON.parse(json);
      } catch (error) {
        throw new Error(
          `${logicalId}: the manifest is not JSON once tokens are replaced: ${(error as Error).message}`,
        );
      }
      return { logicalId, json, objects };
    });
}

/** Joins `Fn::Join` parts and renders every other intrinsic with `renderToken` (default {@link TOKEN_PLACEHOLDER}). */
export function renderTokens(value: unknown, renderToken: TokenRenderer = () => TOKEN_PLACEHOLDER): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map((part) => renderTokens(part, renderToken)).join(separator);
  }
  return renderToken(value);
}
