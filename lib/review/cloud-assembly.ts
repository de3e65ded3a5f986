/**
 * Reads the CloudFormation templates of a synthesized cloud assembly (`cdk.out`) from its
 * `manifest.json` (the cloud assembly schema, package @aws-cdk/cloud-assembly-schema):
 * stack artifacts name their template file, nested assemblies (stages) their directory.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The parts of a CloudFormation template the review reads. */
export interface CloudFormationTemplate {
  readonly Resources?: Record<string, CloudFormationResource>;
}

/** One resource of a template. */
export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly [attribute: string]: unknown;
}

/** The templates of an assembly, by stack name (the name CloudFormation knows). */
export type AssemblyTemplates = Record<string, CloudFormationTemplate>;

interface ArtifactManifest {
  readonly type: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
}

/** The templates of every stack of the assembly in `directory`, including nested assemblies. */
export function readAssembly(directory: string): AssemblyTemplates {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(
      `${directory}: not a cloud assembly (no manifest.json); synthesize it with \`npx cdk synth\``,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, ArtifactManifest>;
  };
  const templates: AssemblyTemplates = {};
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      const file = path.join(directory, artifact.properties.templateFile);
      templates[artifact.properties.stackName ?? id] = JSON.parse(fs.readFileSync(file, 'utf8'));
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      Object.assign(templates, readAssembly(path.join(directory, artifact.properties.directoryName)));
    }
  }
  return templates;
}
