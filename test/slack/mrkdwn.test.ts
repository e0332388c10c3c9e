import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, md, trusted } from '../../src/slack/mrkdwn.js';

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
});
