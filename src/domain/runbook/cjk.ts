// Chinese (and other CJK) text: written without spaces, so words come from Node's built-in ICU word
// segmenter (Intl.Segmenter, no dependency). Segmentation depends on context ("管理接口" may come out as
// one word or two), so known vocabulary is also looked up as plain substrings of each CJK run.

/** A run of Han, kana or Hangul characters. */
export const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Grammar words that say nothing about a symptom (the, of, I, is, but, then ...). */
const CJK_STOP_WORDS = new Set(
  `的 了 是 在 我 你 他 她 它 们 我们 也 就 都 和 与 或 或者 但 但是 而 而且 后 之后 以后 时 的时候 这 那 这个 那个
  一个 一下 有 没有 被 把 给 让 会 能 要 还 又 再 就是 然后 现在 已经 一直 请问 请 求助 大佬 各位 谢谢 麻烦 怎么 如何
  什么 为什么 吗 呢 吧 啊 哦 呀 个 次 下 上 中 里 里面 对 对于 如果 因为 所以 可以 可能 出现 显示出 问题 情况`.split(
    /\s+/,
  ),
);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

export function hasCjk(text: string): boolean {
  return HAS_CJK.test(text);
}

export function isCjkStopWord(word: string): boolean {
  return CJK_STOP_WORDS.has(word);
}

/** The words of one CJK run, in order (punctuation dropped). */
export function segmentCjk(run: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(run)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/**
 * The runbook's own CJK words (its vocabulary's aliases and the words of its Chinese phrases): each run is
 * split into the longest known word at each position (forward maximum matching), and only the spans
 * between known words go to the ICU segmenter. Rows and queries split alike, so they meet on the same
 * words however the segmenter would have cut them.
 */
export class CjkDictionary {
  private readonly words: ReadonlySet<string>;
  private readonly longest: number;

  constructor(words: Iterable<string>) {
    const known = new Set<string>();
    for (const w of words) if (w.length > 1) known.add(w);
    this.words = known;
    this.longest = Math.max(0, ...[...known].map((w) => w.length));
  }

  split(run: string): string[] {
    const out: string[] = [];
    let unknownFrom = 0;
    let i = 0;
    while (i < run.length) {
      let found = 0;
      for (let len = Math.min(this.longest, run.length - i); len > 1; len--) {
        if (this.words.has(run.slice(i, i + len))) {
          found = len;
          break;
        }
      }
      if (found === 0) {
        i++;
        continue;
      }
      if (unknownFrom < i) out.push(...segmentCjk(run.slice(unknownFrom, i)));
      out.push(run.slice(i, i + found));
      i += found;
      unknownFrom = i;
    }
    if (unknownFrom < run.length) out.push(...segmentCjk(run.slice(unknownFrom)));
    return out;
  }
}
