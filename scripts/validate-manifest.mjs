// Validates manifest.yml against Slack's app manifest schema (a copy lives in ../shared/slack/).
// Usage: node scripts/validate-manifest.mjs [manifest.yml] [schema.json]
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const manifestPath = process.argv[2] ?? new URL('manifest.yml', root);
const schemaPath = process.argv[3] ?? new URL('../shared/slack/manifest.schema.1.0.0.json', root);
const manifest = parse(readFileSync(manifestPath, 'utf8'));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
if (!validate(manifest)) {
  for (const e of validate.errors ?? []) console.error(`manifest.yml${e.instancePath || '/'}: ${e.message}`);
  process.exit(1);
}
const interactivity = manifest.settings?.interactivity;
if (interactivity?.is_enabled && !interactivity.request_url && !manifest.settings?.socket_mode_enabled) {
  console.error('manifest.yml: interactivity needs a request_url or Socket Mode');
  process.exit(1);
}
console.log(`manifest.yml is valid (${manifest.features.slash_commands.length} slash commands)`);
