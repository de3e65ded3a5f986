/** Writes config/schema.json from the configuration schema: `npm run config-schema`. */
import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../lib/config/json-schema';

const target = path.join(__dirname, '..', 'config', 'schema.json');
fs.writeFileSync(target, configJsonSchema());
console.warn(`wrote ${path.relative(process.cwd(), target)}`);
