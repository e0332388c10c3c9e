import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_PATTERN,
  PROVIDER_PATTERN,
  parseRefreshCommand,
} from '../../../src/domain/approvals/command.js';

describe('parseRefreshCommand', () => {
  it.each([
    ['kiro', 'kiro', undefined],
    ['  Kiro   kiro-a.json ', 'kiro', 'kiro-a.json'],
    ['gemini-cli user@example.com.json', 'gemini-cli', 'user@example.com.json'],
  ])('accepts %j', (text, provider, credential) => {
    expect(parseRefreshCommand(text)).toEqual({ ok: true, provider, credential });
  });

  it.each([
    ['', 'Which provider'],
    ['kiro a.json b.json', 'Too many'],
    ['../etc', 'not a provider'],
    ['kiro ../../etc/passwd.json', 'not a credential'],
    ['kiro a/b.json', 'not a credential'],
    ['kiro ..json', 'not a credential'],
    ['kiro a..b.json', 'not a credential'],
    ['kiro token.txt', 'not a credential'],
    ['kiro%2f x.json', 'not a provider'],
  ])('refuses %j with a reason', (text, words) => {
    const r = parseRefreshCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(words);
  });

  it('never throws and never returns an unvalidated name (property)', () => {
    const word = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.stringMatching(/^[a-z0-9-]{1,45}$/),
      fc.stringMatching(/^[A-Za-z0-9@._+\-/\\%]{0,30}\.json$/),
      fc.constantFrom('..', '../x.json', '..json', 'a/../b.json', '%2e%2e.json', 'kiro\u0000.json'),
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(word, { maxLength: 4 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = parseRefreshCommand(t);
        if (!r.ok) return typeof r.error === 'string' && r.error.length > 0;
        expect(PROVIDER_PATTERN.test(r.provider)).toBe(true);
        if (r.credential !== undefined) {
          expect(CREDENTIAL_PATTERN.test(r.credential)).toBe(true);
          expect(r.credential).not.toContain('..');
          expect(r.credential).not.toMatch(/[/\\%\s]/);
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses any non-string input with the usage, without throwing', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string'),
        (v) => {
          const r = parseRefreshCommand(v);
          expect(r).toEqual({ ok: false, error: expect.stringContaining('Which provider?') });
          if (!r.ok) expect(r.error).toContain('Usage: `/auth-refresh PROVIDER [CREDENTIAL]`');
        },
      ),
      { numRuns: 500 },
    );
  });
});
