// Management calls on the proxy's configuration: the parsed /config and the raw config.yaml.
import type { ManagementCore } from './plumbing.js';
import { jsonObject, putConfigResponse } from './schemas.js';
import { CONFIG_YAML_LIMIT } from './transport.js';

export function getConfig(core: ManagementCore): Promise<Record<string, unknown>> {
  return core.getJson('/config', jsonObject);
}

export async function getConfigYaml(core: ManagementCore): Promise<string> {
  const res = await core.management('GET', '/config.yaml', { retry: true, maxBytes: CONFIG_YAML_LIMIT });
  return res.text;
}

export async function putConfigYaml(
  core: ManagementCore,
  yaml: string,
): Promise<{ changed: string[]; persisted: boolean }> {
  const res = await core.management('PUT', '/config.yaml', {
    body: yaml,
    headers: { 'content-type': 'application/yaml' },
  });
  const body = core.parse('PUT', '/config.yaml', res, putConfigResponse);
  return { changed: body.changed ?? [], persisted: body.persisted ?? true };
}
