// A config.yaml full of secrets of every shape, and the list of those secrets, for "never leaks" tests.
import { keyedFingerprint } from '../../../src/domain/redact.js';
export const SECRETS = [
  'sk-live-client-key-0001',
  'plain-client-key-0002',
  'AIzaSyA1234567890abcdefghijklmnopqrs',
  'sk-ant-api03-claude-secret-aaaa',
  'codex-secret-value-xyz',
  'vertex-secret-value-abc',
  'sk-or-openrouter-secret-1111',
  'Bearer-header-token-9999',
  'proxy-password-7777',
  'kiro-refresh-token-5555',
  'mgmt-plaintext-secret-3333',
  'query-key-4444',
];

export const SECRET_CONFIG = `# live config
host: "127.0.0.1"
port: 8317
auth-dir: "./auths"
api-keys:
  - "sk-live-client-key-0001"
  - "plain-client-key-0002"
remote-management:
  allow-remote: false
  secret-key: "mgmt-plaintext-secret-3333"
proxy-url: "socks5://user:proxy-password-7777@10.0.0.1:1080"
gemini-api-key:
  - api-key: "AIzaSyA1234567890abcdefghijklmnopqrs"
    base-url: "https://generativelanguage.googleapis.com?key=query-key-4444"
claude-api-key:
  - api-key: "sk-ant-api03-claude-secret-aaaa"
    base-url: "https://api.anthropic.com"
    headers:
      Authorization: "Bearer-header-token-9999"
codex-api-key:
  - api-key: "codex-secret-value-xyz"
vertex-api-key:
  - api-key: "vertex-secret-value-abc"
openai-compatibility:
  - name: "openrouter"
    base-url: "https://openrouter.ai/api/v1"
    api-key-entries:
      - api-key: "sk-or-openrouter-secret-1111"
        proxy-url: ""
    models:
      - name: "moonshotai/kimi-k2:free"
        alias: "kimi-k2"
kiro:
  - refresh-token: "kiro-refresh-token-5555"
    region: "us-east-1"
routing:
  strategy: "round-robin"
request-retry: 3
`;

/** A second config with no secrets in common with SECRET_CONFIG except where noted, and other blocks. */
export const OTHER_CONFIG = `host: "127.0.0.1"
port: 8317
api-keys: ["sk-live-client-key-0001"]
remote-management:
  allow-remote: false
  secret-key: "$2a$10$abcdefghijklmnopqrstuuOlwbJ0qJbtqXN9sFq4/CxyZ1q2w3e4r"
proxy-url: ""
claude-api-key:
  - api-key: "sk-ant-api03-claude-secret-aaaa"
    base-url: "https://claude-proxy.internal"
request-retry: 1
`;

export function leakedSecrets(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

/** A keyed fingerprint with a fixed test key (the bot's key is random per installation, kept in the store). */
export const TEST_FINGERPRINT = keyedFingerprint(Buffer.alloc(32, 7));
