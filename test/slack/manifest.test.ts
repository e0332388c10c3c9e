import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registeredCommands } from './registered.js';

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8'));
const schemaUrl = new URL('../../../shared/slack/manifest.schema.1.0.0.json', import.meta.url);

describe('manifest.yml', () => {
  it('validates against Slack app manifest schema 1.0.0', () => {
    const schema = JSON.parse(readFileSync(schemaUrl, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares exactly the slash commands the code registers', async () => {
    const declared = (manifest.features.slash_commands as { command: string }[]).map((c) => c.command).sort();
    const registered = [...(await registeredCommands())].sort();
    expect(registered).toEqual(declared);
  });

  it('gives every command a description and a usage hint', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.description, c.command).toMatch(/\w/);
      expect(c.usage_hint, c.command).toMatch(/\w/);
    }
  });

  it('enables interactivity in Socket Mode, with the scopes the bot uses', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      // im:write: conversations.open, for the re-login link by direct message when an ephemeral is refused
      expect.arrayContaining(['commands', 'chat:write', 'im:write', 'usergroups:read', 'users:read']),
    );
  });
});
