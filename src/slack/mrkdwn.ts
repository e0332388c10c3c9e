// Escaping for Slack's mrkdwn: the one helper every view and every engine message uses for text the bot
// did not write itself (proxy error bodies, messages, versions, credential names, user input).
// Slack's rule: `&`, `<` and `>` are control characters (`<!channel>`, `<@U123>`, `<https://x|label>`);
// sent as `&amp;`, `&lt;`, `&gt;` they show as themselves and never ping, link or format.

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The plain text of mrkdwn built with `md` / `escapeMrkdwn`: what the audit trail and the log keep, so
 * `/auth-audit` (which escapes on rendering) shows `<` and not `&lt;`. unescapeMrkdwn(escapeMrkdwn(x)) === x.
 */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A piece of mrkdwn the bot composed itself (already escaped where needed): `md` keeps it as is. */
export class Mrkdwn {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks bot-composed mrkdwn (a refusal reason with a `<#C123>` channel link, a rendered check list). */
export function trusted(text: string): Mrkdwn {
  return new Mrkdwn(text);
}

/**
 * A template tag for mrkdwn messages: the literal parts are the bot's own mrkdwn (`<@${id}>`, `*bold*`),
 * every interpolated value is escaped unless it is a `Mrkdwn` (see `trusted`).
 *   md`:x: Failed: ${proxyText}` → ":x: Failed: &lt;!channel&gt;"
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += v instanceof Mrkdwn ? v.text : escapeMrkdwn(String(v));
    out += strings[i + 1] ?? '';
  });
  return out;
}
