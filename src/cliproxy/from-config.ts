// Builds the management client from the parsed config (CLI and main.ts share this).
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createManagementClient, type HttpManagementClient } from './client.js';

export function createClientFromConfig(
  config: Config,
  extra: { logger?: Logger; timeoutMs?: number } = {},
): HttpManagementClient {
  return createManagementClient({
    baseUrl: config.proxy.url,
    managementKey: config.proxy.managementKey,
    ...(extra.logger ? { logger: extra.logger } : {}),
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
  });
}
