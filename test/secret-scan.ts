/** Finds secret material in synthesized text: templates, manifests, documents. */

const SECRET_PATTERNS: [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  // An ESO template reference (`"password": "{{ .password }}"`, filled in the cluster) is no value.
  ['password field', /"(password|passwd|passphrase|secretAccessKey|secret_access_key)"\s*:(?!\s*"\{\{)/i],
  ['pgBackRest secret option', /"repo\d+-(cipher-pass|s3-key-secret|s3-key)"/],
  // A pgBackRest configuration file with a value; an ESO template reference (`{{ .x }}`) is no value.
  [
    'pgBackRest secret in a configuration file',
    /repo\d+-(cipher-pass|s3-key-secret|s3-key)\s*=\s*(?!\{\{)[^\s"\\]/,
  ],
  // A Secrets Manager secret whose value is written in the template instead of generated.
  ['Secrets Manager secret value', /"SecretString"\s*:/],
  ['Kubernetes Secret object', /"kind"\s*:\s*"Secret"/],
  ['connection string with a password', /postgres(ql)?:\/\/[^:/\s"]+:[^@\s"]+@/],
];

/** The secrets found in `text`, by kind. */
export function findSecrets(text: string): string[] {
  return SECRET_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
}
