/**
 * Checks configuration files without synthesizing anything: what `npm run validate` prints.
 * Environment and consumer files can be mixed; each is recognized by its keys.
 */
import * as fs from 'fs';
import { parse } from 'yaml';
import { Ceiling, describeCeiling, environmentCeilings } from './ceilings';
import { ConfigError, loadConfigFile, loadConsumerConfigFile } from './load';

/** Interface endpoints a VPC may hold (AWS PrivateLink quotas: "Interface and Gateway Load Balancer endpoints per VPC", default 50). */
const INTERFACE_ENDPOINTS_PER_VPC = 50;

/** The outcome of checking some files. */
export interface ValidationReport {
  /** True when every file is valid. */
  readonly ok: boolean;
  /** What to print, one line each: problems, or each valid file with its ceilings. */
  readonly lines: readonly string[];
}

/** Validates each file and reports every problem of every file. */
export function validateConfigFiles(files: readonly string[]): ValidationReport {
  const lines: string[] = [];
  let ok = true;
  for (const file of files) {
    try {
      lines.push(...(isConsumerFile(file) ? consumerSummary(file) : environmentSummary(file)));
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        throw error;
      }
      ok = false;
      lines.push(...error.message.split('\n'));
    }
  }
  return { ok, lines };
}

/** A consumer file lists `endpoints`; anything else is read as an environment file. */
function isConsumerFile(file: string): boolean {
  try {
    const doc: unknown = parse(fs.readFileSync(file, 'utf8'));
    return typeof doc === 'object' && doc !== null && 'endpoints' in doc && !('tenants' in doc);
  } catch {
    // Unreadable or not YAML: the environment loader reports why, with the file name.
    return false;
  }
}

function environmentSummary(file: string): string[] {
  const config = loadConfigFile(file);
  const ceilings = environmentCeilings({
    quotas: config.quotas,
    vpcPrefixLength: Number(config.network.vpcCidr.split('/')[1]),
    zones: config.availabilityZones.length,
    nodePools: [config.nodePools.system, ...config.nodePools.database],
    tenants: config.tenants.length,
  });
  return [
    `${file}: valid, environment ${config.name} with ${config.tenants.length} tenant(s); ceilings:`,
    ...ceilings.map(ceilingLine),
  ];
}

function consumerSummary(file: string): string[] {
  const config = loadConsumerConfigFile(file);
  const perVpc = new Map<string, number>();
  for (const endpoint of config.endpoints) {
    perVpc.set(endpoint.vpcId, (perVpc.get(endpoint.vpcId) ?? 0) + 1);
  }
  return [
    `${file}: valid, consumer ${config.name} with ${config.endpoints.length} endpoint(s); ceilings:`,
    ...[...perVpc].map(([vpc, used]) =>
      ceilingLine({
        name: `Interface endpoints per VPC (${vpc})`,
        used,
        limit: INTERFACE_ENDPOINTS_PER_VPC,
        source: 'AWS PrivateLink quota, adjustable; endpoints the VPC already has count too',
        severity: 'warning',
      }),
    ),
  ];
}

function ceilingLine(ceiling: Ceiling): string {
  const over = ceiling.used > ceiling.limit;
  // An environment over an error ceiling was refused by the loader already.
  const mark = !over ? 'ok' : ceiling.severity === 'error' ? 'ERROR' : 'WARNING';
  return `  ${mark.padEnd(7)} ${describeCeiling(ceiling)}`;
}
