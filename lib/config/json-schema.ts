/** The JSON Schema of the configuration file, for editors (yaml-language-server). */
import { z } from 'zod';
import { environmentConfigSchema } from './schema';

/**
 * The configuration's JSON Schema as text. Keys with defaults are optional in it (it
 * describes what a user writes). Cross-field rules are not expressible there; the loader
 * still applies them.
 */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(environmentConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  });
  return `${JSON.stringify({ ...schema, title: 'Private PostgreSQL platform: environment configuration' }, null, 2)}\n`;
}
