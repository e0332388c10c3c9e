import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, md, trusted, unescapeMrkdwn } from '../../src/slack/mrkdwn.js';

describe('mrkdwn escaping', () => {
  it('escapes &, < and > so broadcasts, mentions and links from outside show as text', () => {
    expect(escapeMrkdwn('a & <!channel> <https://evil.example|the runbook> <@U1>')).toBe(
      'a &amp; &lt;!channel&gt; &lt;https://evil.example|the runbook&gt; &lt;@U1&gt;',
    );
  });

  it('md escapes every interpolated value and keeps its own literal mrkdwn and trusted parts', () => {
    const body = '<!here> & more';
    expect(md`:x: <@${'U0BOB'}> failed: ${body} ${trusted('<#C1>')}`).toBe(
      ':x: <@U0BOB> failed: &lt;!here&gt; &amp; more <#C1>',
    );
    expect(md`${42} and ${undefined}`).toBe('42 and undefined');
  });

  it('unescapes what md and escapeMrkdwn escaped, back to the very text (for the audit trail)', () => {
    const body = 'x &lt; y & <!channel> &amp;amp; >';
    expect(unescapeMrkdwn(md`Cannot read: ${body} ${trusted('<#C1>')}`)).toBe(`Cannot read: ${body} <#C1>`);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('&', '<', '>', 'a', 'l', 't', 'g', 'm', 'p', ';', ' ') }),
        (t) => {
          expect(unescapeMrkdwn(escapeMrkdwn(t))).toBe(t);
        },
      ),
    );
    fc.assert(fc.property(fc.string(), (t) => void expect(unescapeMrkdwn(escapeMrkdwn(t))).toBe(t)));
  });
});
