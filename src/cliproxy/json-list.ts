// Reads a JSON document of the shape {"<key>": [item, item, ...]} one item at a time, from text that may
// arrive in pieces. Each item is parsed on its own (JSON.parse of its slice) and handed to `onItem` at
// once, so a list of thousands of credentials never exists as one string or one parsed tree: what the
// caller keeps of an item is all that outlives it, and the rest dies young. (The watch reads such a list
// every poll; a whole body and a whole tree per poll is what filled its heap.) The document is still
// checked to be exactly JSON: every value is parsed by JSON.parse, and the punctuation between values is
// checked here.
//
// Errors: JsonShapeError for JSON that is not an object or gives the key twice (JSON.parse would keep the
// last one; items were already handed out), SyntaxError for anything that is not JSON.

export type ListAt = 'list' | 'null' | 'absent' | 'other';

export class JsonShapeError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;

type Phase =
  | 'open' // before "{"
  | 'first-key' // after "{": a key or "}"
  | 'key' // a key
  | 'colon'
  | 'value' // a member's value
  | 'first-item' // after "[": an item or "]"
  | 'item'
  | 'after-item' // "," or "]"
  | 'after-member' // "," or "}"
  | 'done';

/**
 * Where the scan of a value cut between pieces stands: its beginning waits in `carry`, and the scan goes
 * on at the start of the next piece, so a piece is never joined to what came before it (joining each
 * 64 KiB piece to the tail of the last one copied the whole body once more per read).
 */
interface ValueScan {
  /** A number or literal (ends at a delimiter) rather than a string, object or array (ends balanced). */
  bare: boolean;
  depth: number;
  inString: boolean;
  /** The piece ended right after a backslash inside a string: the next character is escaped. */
  escaped: boolean;
}

export class JsonListReader {
  private buf = '';
  private pos = 0;
  private carry = '';
  private phase: Phase = 'open';
  private scan: ValueScan | undefined;
  private member: unknown;
  private seen = false;
  private index = 0;
  private result: ListAt = 'absent';

  constructor(
    private readonly key: string,
    private readonly onItem: (item: unknown, index: number) => void,
  ) {}

  /** The next piece of the text. Items completed by it are handed out before it returns. */
  push(text: string): void {
    // the last piece was used up: whitespace and punctuation are single characters, and a value it
    // left unfinished is in `carry`
    this.buf = text;
    this.pos = 0;
    this.run(false);
  }

  /** The text is complete: checks that the document is, and says what the key held. */
  end(): ListAt {
    this.run(true);
    if (this.phase !== 'done') this.fail('unexpected end of text');
    return this.result;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} (at ${this.phase})`);
  }

  /** Skips whitespace; the next character code, or -1 when this piece has no more. */
  private peek(): number {
    const { buf } = this;
    while (this.pos < buf.length && isWs(buf.charCodeAt(this.pos))) this.pos++;
    return this.pos < buf.length ? buf.charCodeAt(this.pos) : -1;
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.phase === 'done') {
        if (this.peek() !== -1) this.fail('text after the document');
        return;
      }
      // inside a value cut between pieces, whitespace belongs to the value (a string's spaces)
      const c = this.scan ? (this.pos < this.buf.length ? this.buf.charCodeAt(this.pos) : -1) : this.peek();
      if (c === -1 && this.phase !== 'value' && this.phase !== 'item') return;
      switch (this.phase) {
        case 'open':
          // another JSON value ([, ", a number, true/false/null) is the wrong shape; anything else is not JSON
          if (c !== 0x7b) {
            if (/["[\-0-9tfn]/.test(String.fromCharCode(c))) throw new JsonShapeError('not a JSON object');
            this.fail('not JSON');
          }
          this.pos++;
          this.phase = 'first-key';
          break;
        case 'first-key':
          if (c === 0x7d) {
            this.pos++;
            this.phase = 'done';
          } else this.phase = 'key';
          break;
        case 'key': {
          if (!this.scan && c !== QUOTE) this.fail('key expected');
          const key = this.value(final);
          if (key === undefined) return;
          this.member = key.value;
          this.phase = 'colon';
          break;
        }
        case 'colon':
          if (c !== 0x3a) this.fail('colon expected');
          this.pos++;
          this.phase = 'value';
          break;
        case 'value': {
          if (c === -1 && !final) return;
          if (this.member === this.key && !this.scan) {
            if (this.seen) throw new JsonShapeError(`"${this.key}" given twice`);
            this.seen = true;
            if (c === 0x5b) {
              this.pos++;
              this.result = 'list';
              this.phase = 'first-item';
              break;
            }
          }
          const v = this.value(final);
          if (v === undefined) return;
          if (this.member === this.key) this.result = v.value === null ? 'null' : 'other';
          this.phase = 'after-member';
          break;
        }
        case 'first-item':
          if (c === 0x5d) {
            this.pos++;
            this.phase = 'after-member';
          } else this.phase = 'item';
          break;
        case 'item': {
          if (c === -1 && !final) return;
          const v = this.value(final);
          if (v === undefined) return;
          this.onItem(v.value, this.index++);
          this.phase = 'after-item';
          break;
        }
        case 'after-item':
          this.pos++;
          if (c === 0x2c) this.phase = 'item';
          else if (c === 0x5d) this.phase = 'after-member';
          else this.fail('comma or end of array expected');
          break;
        case 'after-member':
          this.pos++;
          if (c === 0x2c) this.phase = 'key';
          else if (c === 0x7d) this.phase = 'done';
          else this.fail('comma or end of object expected');
          break;
      }
    }
  }

  /**
   * Parses the value at `pos` (or the one `carry` began) when this piece ends it ({value}); undefined
   * when it runs past the piece (it goes on with the next). A number or literal at the very end of a
   * piece may go on in the next one, so it is complete only once the text is (`final`).
   */
  private value(final: boolean): { value: unknown } | undefined {
    const { buf } = this;
    const resuming = this.scan !== undefined;
    const start = this.pos;
    const first = buf.charCodeAt(start);
    const s = this.scan ?? {
      bare: !(first === QUOTE || isOpen(first)),
      depth: 0,
      inString: false,
      escaped: false,
    };
    let end = -1;
    let j = start;
    if (!s.bare) {
      for (; j < buf.length; j++) {
        const c = buf.charCodeAt(j);
        if (s.escaped) {
          s.escaped = false;
        } else if (s.inString) {
          if (c === BACKSLASH) s.escaped = true;
          else if (c === QUOTE) {
            s.inString = false;
            if (s.depth === 0) {
              end = j + 1;
              break;
            }
          }
        } else if (c === QUOTE) {
          s.inString = true;
        } else if (isOpen(c)) {
          s.depth++;
        } else if (isClose(c)) {
          s.depth--;
          if (s.depth <= 0) {
            end = j + 1;
            break;
          }
        }
      }
    } else {
      while (j < buf.length) {
        const c = buf.charCodeAt(j);
        if (c === 0x2c || isClose(c) || isWs(c)) break;
        j++;
      }
      if (j < buf.length || final) end = j;
    }
    if (end === -1) {
      if (final) this.fail('unterminated value');
      this.carry += buf.slice(start);
      this.scan = s;
      this.buf = '';
      this.pos = 0;
      return undefined;
    }
    const text = resuming ? this.carry + buf.slice(start, end) : buf.slice(start, end);
    this.carry = '';
    this.scan = undefined;
    this.pos = end;
    if (text === '') this.fail('value expected');
    return { value: JSON.parse(text) as unknown };
  }
}

/** The whole text at once: {@link JsonListReader} fed one piece. */
export function readJsonList(
  text: string,
  key: string,
  onItem: (item: unknown, index: number) => void,
): ListAt {
  const reader = new JsonListReader(key, onItem);
  reader.push(text);
  return reader.end();
}
