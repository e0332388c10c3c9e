// JsonListReader reads {"<key>": [item, ...], ...} in pieces and hands each item out as soon as it is
// complete. It must agree with JSON.parse on every text: the same items (in order, with their indexes)
// and the same idea of what the key holds for a JSON object, an error for anything JSON.parse refuses,
// JsonShapeError for JSON that is not an object, and JsonShapeError (never a silent pick) for the key
// given twice. Pieces may be cut anywhere: inside strings, escapes, numbers, literals, surrogate pairs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonListReader, JsonShapeError, type ListAt, readJsonList } from '../../src/cliproxy/json-list.js';

const KEY = 'files';

interface Read {
  items: unknown[];
  indexes: number[];
  result: ListAt;
}

/** Feeds `pieces` to a reader for KEY and ends it. */
function readPieces(pieces: readonly string[]): Read {
  const items: unknown[] = [];
  const indexes: number[] = [];
  const reader = new JsonListReader(KEY, (item, index) => {
    items.push(item);
    indexes.push(index);
  });
  for (const piece of pieces) reader.push(piece);
  return { items, indexes, result: reader.end() };
}

/** The text cut at `cuts` (UTF-16 positions, any order, may repeat: empty pieces are fed too). */
function split(text: string, cuts: readonly number[]): string[] {
  const at = cuts.map((c) => c % (text.length + 1)).sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const c of at) {
    pieces.push(text.slice(from, c));
    from = c;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** The text in pieces of `size` characters. */
function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** What the reader threw, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** What the reader should say for a text JSON.parse accepted as an object. */
function expected(doc: Record<string, unknown>): { items: unknown[]; result: ListAt } {
  if (!Object.hasOwn(doc, KEY)) return { items: [], result: 'absent' };
  const v = doc[KEY];
  if (Array.isArray(v)) return { items: v, result: 'list' };
  return { items: [], result: v === null ? 'null' : 'other' };
}

const occurrences = (text: string, what: string) => text.split(what).length - 1;

// ---- arbitraries ----------------------------------------------------------------------------------

/** Characters that matter to a JSON scanner, plus multi-byte and awkward ones. */
const HOSTILE_CHARS = [
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ' ',
  '\n',
  '\t',
  '\r',
  '\u0000',
  '\u001f',
  '\u007f',
  '/',
  'a',
  'u',
  'é',
  'ë',
  '✓',
  '𝄞',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud800', // a lone surrogate: JSON.stringify escapes it
  '\udc00',
];

const hostileString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(fc.constantFrom(...HOSTILE_CHARS), { maxLength: 12 }).map((cs) => cs.join('')),
);

const leaf = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
}));

/** What the key holds in a generated document. */
const keyValue = fc.oneof(
  { weight: 6, arbitrary: fc.array(jsonValue, { maxLength: 12 }).map((v) => ({ kind: 'list' as const, v })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'null' as const, v: null }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'absent' as const, v: undefined }) },
  {
    weight: 1,
    arbitrary: jsonValue
      .filter((v) => v !== null && !Array.isArray(v))
      .map((v) => ({ kind: 'other' as const, v })),
  },
);

/** A document {key: ..., other random keys} as JSON.stringify writes it, compact or indented. */
const document = fc
  .record({
    key: keyValue,
    others: fc.uniqueArray(fc.tuple(hostileString, jsonValue), {
      maxLength: 5,
      selector: ([k]) => k,
    }),
    at: fc.nat(),
    indent: fc.constantFrom<undefined | number | string>(undefined, 0, 1, 2, '\t', ' '),
    before: fc.constantFrom('', ' ', '\n', '\r\n\t '),
    after: fc.constantFrom('', ' ', '\n', '\r\n\t '),
  })
  .map(({ key, others, at, indent, before, after }) => {
    const entries: [string, unknown][] = others.filter(([k]) => k !== KEY);
    if (key.kind !== 'absent') entries.splice(at % (entries.length + 1), 0, [KEY, key.v]);
    const text = before + JSON.stringify(Object.fromEntries(entries), null, indent) + after;
    return { text, kind: key.kind };
  });

const cuts = fc.array(fc.nat(), { maxLength: 12 });

// ---- properties -----------------------------------------------------------------------------------

describe('JsonListReader: agrees with JSON.parse on valid documents', () => {
  it('hands out every item of a list, in order, whatever the pieces; says null/absent/other otherwise', () => {
    fc.assert(
      fc.property(document, cuts, ({ text, kind }, at) => {
        const doc = JSON.parse(text) as Record<string, unknown>;
        const want = expected(doc);
        expect(want.result).toBe(kind);
        const got = readPieces(split(text, at));
        expect(got.result).toBe(want.result);
        expect(got.items).toEqual(want.items);
        expect(got.indexes).toEqual(want.items.map((_, i) => i));
        // the whole text in one push reads the same
        const whole: unknown[] = [];
        expect(readJsonList(text, KEY, (item) => whole.push(item))).toBe(want.result);
        expect(whole).toEqual(want.items);
      }),
      { numRuns: 400 },
    );
  });

  it('reads the same in 1-character pieces', () => {
    fc.assert(
      fc.property(document, ({ text }) => {
        const want = expected(JSON.parse(text) as Record<string, unknown>);
        const got = readPieces(chunks(text, 1));
        expect(got.result).toBe(want.result);
        expect(got.items).toEqual(want.items);
      }),
      { numRuns: 100 },
    );
  });
});

// ---- differential on hostile text ----------------------------------------------------------------

/** JSON punctuation, literal fragments and odd characters a mutation inserts or replaces with. */
const MUTATION_CHARS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  ' ',
  '\n',
  '0',
  '1',
  '-',
  '.',
  'e',
  't',
  'f',
  'n',
  'u',
  'x',
  '\u0000',
  '\ufeff',
  '𝄞',
];

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; ch: string }
  | { op: 'replace'; at: number; ch: string }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(...MUTATION_CHARS) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), ch: fc.constantFrom(...MUTATION_CHARS) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.op) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + m.ch + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.ch + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
  }
}

/** The reader's verdict on `text` must match JSON.parse's (see the file's header). */
function checkAgainstJsonParse(text: string, pieces: readonly string[]): void {
  let parsed: { ok: true; value: unknown } | { ok: false };
  try {
    parsed = { ok: true, value: JSON.parse(text) };
  } catch {
    parsed = { ok: false };
  }
  let got: Read | undefined;
  const err = thrown(() => {
    got = readPieces(pieces);
  });
  if (!parsed.ok) {
    // JSON.parse refuses it: so must the reader, with one of its two errors
    expect(err, `reader accepted ${JSON.stringify(text)}`).toBeDefined();
    expect(err instanceof SyntaxError || err instanceof JsonShapeError).toBe(true);
    return;
  }
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    expect(err, `reader accepted the non-object ${JSON.stringify(text)}`).toBeInstanceOf(JsonShapeError);
    return;
  }
  if (err !== undefined) {
    // the only JSON object the reader may refuse is one that gives the key twice
    expect(err, `reader refused ${JSON.stringify(text)}: ${String(err)}`).toBeInstanceOf(JsonShapeError);
    expect(occurrences(text, `"${KEY}"`)).toBeGreaterThanOrEqual(2);
    return;
  }
  const want = expected(v as Record<string, unknown>);
  expect(got?.result).toBe(want.result);
  expect(got?.items).toEqual(want.items);
  expect(got?.indexes).toEqual(want.items.map((_, i) => i));
}

/** A small valid document to mutate (small, so a mutation often hits structure). */
const smallDocument = fc
  .record({
    items: fc.array(jsonValue, { maxLength: 4 }),
    other: fc.option(fc.tuple(fc.constantFrom('a', 'filesx', 'file', 'x y'), jsonValue), { nil: undefined }),
    indent: fc.constantFrom<undefined | number>(undefined, 1),
  })
  .map(({ items, other, indent }) => {
    const entries: [string, unknown][] = [[KEY, items]];
    if (other) entries.push(other);
    return JSON.stringify(Object.fromEntries(entries), null, indent);
  });

/** Tokens that make a JSON-ish soup: mostly structure, so the reader meets every phase with junk. */
const SOUP_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ' ',
  `"${KEY}"`,
  `"${KEY}"`,
  `"${KEY}":[`,
  '"a"',
  '"\\""',
  '"\\\\"',
  '"',
  '\\',
  '1',
  '-0.5e3',
  '01',
  'true',
  'nul',
  'null',
  '{}',
  '[]',
];

describe('JsonListReader: differential against JSON.parse on hostile text', () => {
  it('mutated documents (delete / insert / replace a character, truncate), fed in random pieces', () => {
    fc.assert(
      fc.property(smallDocument, fc.array(mutation, { minLength: 1, maxLength: 3 }), cuts, (doc, ms, at) => {
        const text = ms.reduce(mutate, doc);
        checkAgainstJsonParse(text, split(text, at));
      }),
      { numRuns: 300 },
    );
  });

  it('JSON-ish token soup, fed in random pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SOUP_TOKENS), { maxLength: 14 }).map((ts) => ts.join('')),
        cuts,
        (text, at) => {
          checkAgainstJsonParse(text, split(text, at));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('soup wrapped as {"files":[ ... ]}, fed in random pieces', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...SOUP_TOKENS), { maxLength: 10 })
          .map((ts) => `{"${KEY}":[${ts.join('')}]}`),
        cuts,
        (text, at) => {
          checkAgainstJsonParse(text, split(text, at));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- hostile cases --------------------------------------------------------------------------------

/** Every way of cutting `text` into two pieces (and the whole text as one). */
function everyCut(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 0; i <= text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

/** How deep a value nests through one-element arrays / one-key objects, and what is at the bottom. */
function spine(v: unknown): { depth: number; bottom: unknown } {
  let depth = 0;
  let at = v;
  for (;;) {
    if (Array.isArray(at) && at.length === 1) at = at[0];
    else if (at !== null && typeof at === 'object' && Object.keys(at).length === 1) {
      at = (at as Record<string, unknown>)[Object.keys(at)[0] ?? ''];
    } else return { depth, bottom: at };
    depth++;
  }
}

describe('JsonListReader: hostile cases', () => {
  it.each([
    ['trailing comma in the list', '{"files":[1,]}'],
    ['trailing comma in the object', '{"files":[1],}'],
    ['trailing comma in an item', '{"files":[{"a":1,}]}'],
    ['leading comma in the list', '{"files":[,1]}'],
    ['two commas in the list', '{"files":[1,,2]}'],
    ['missing comma between items', '{"files":[1 2]}'],
    ['missing comma between members', '{"a":1 "files":[]}'],
    ['text after the document', '{"files":[1]}x'],
    ['a second document', '{"files":[1]}{}'],
    ['unterminated document', '{"files":[1]'],
    ['unterminated list', '{"files":[1'],
    ['unterminated list after a comma', '{"files":[1,'],
    ['unterminated string item', '{"files":["abc'],
    ['unterminated string at an escape', '{"files":["abc\\'],
    ['unterminated key', '{"fil'],
    ['unterminated nested item', '{"files":[{"a":[1,2]'],
    ['only an opening brace', '{'],
    ['a member without value', '{"files":}'],
    ['a member without colon', '{"files" []}'],
    ['a key that is not a string', '{files:[1]}'],
    ['a single-quoted key', "{'files':[1]}"],
    ['a bad literal', '{"files":[tru]}'],
    ['a literal cut short at the end', '{"files":nul'],
    ['a number with a leading zero', '{"files":[01]}'],
    ['a number ending in a dot', '{"files":[1.]}'],
    ['a bare minus', '{"files":[-]}'],
    ['mismatched brackets in an item', '{"files":[{"a":1]]}'],
    ['a list closed by a brace', '{"files":[1}}'],
    ['an extra closing bracket', '{"files":[1]]}'],
    ['a raw newline inside a string', '{"files":["a\nb"]}'],
    ['a bad escape', '{"files":["a\\x"]}'],
    ['a value glued to a string', '{"files":[1"a"]}'],
    ['a byte-order mark', '\ufeff{"files":[]}'],
    ['html', '<html>proxy error</html>'],
    ['empty text', ''],
    ['whitespace only', ' \n\t\r '],
    ['a non-JSON word', 'proxy error'],
  ])('%s is a SyntaxError, however it is cut', (_, text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    for (const pieces of [[text], ...everyCut(text), chunks(text, 1)]) {
      expect(() => readPieces(pieces), JSON.stringify(pieces)).toThrow(SyntaxError);
    }
  });

  it.each([
    ['an array', '[]'],
    ['an array of objects', '[{"files":[1]}]'],
    ['a string', '"x"'],
    ['a number', '42'],
    ['a negative number', '-1'],
    ['true', 'true'],
    ['false', 'false'],
    ['null', 'null'],
    ['null after whitespace', '  null'],
  ])('%s is JSON but not an object: JsonShapeError', (_, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    for (const pieces of [[text], ...everyCut(text)]) {
      expect(() => readPieces(pieces), JSON.stringify(pieces)).toThrow(JsonShapeError);
    }
  });

  it.each([
    ['the list twice', '{"files":[1],"files":[2]}'],
    ['null, then a list', '{"files":null,"files":[1]}'],
    ['a list, then null', '{"files":[],"files":null}'],
    ['an object, then a list', '{"files":{},"a":1,"files":[1]}'],
    ['the second one spelled with an escape', '{"files":[1],"fil\\u0065s":[2]}'],
  ])('the key given twice (%s) is a JsonShapeError, though JSON.parse keeps the last', (_, text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    for (const pieces of [[text], ...everyCut(text)]) {
      expect(() => readPieces(pieces), JSON.stringify(pieces)).toThrow(JsonShapeError);
    }
  });

  it('other keys may repeat, and "files" inside values or items is not the key', () => {
    const text = '{"a":1,"a":{"files":[9]},"files":[{"files":[2]},"files"],"b":["files"],"files2":[3]}';
    for (const pieces of [[text], ...everyCut(text)]) {
      const got = readPieces(pieces);
      expect(got.result).toBe('list');
      expect(got.items).toEqual([{ files: [2] }, 'files']);
    }
  });

  it('a key written with escapes that equals the key is the key', () => {
    for (const text of [
      '{"fil\\u0065s":[1,{"a":2}]}',
      '{"\\u0066\\u0069\\u006C\\u0065\\u0073":[1,{"a":2}]}',
    ]) {
      for (const pieces of [[text], ...everyCut(text)]) {
        const got = readPieces(pieces);
        expect(got.result).toBe('list');
        expect(got.items).toEqual([1, { a: 2 }]);
      }
    }
    // and a key that only looks like it is not
    expect(readPieces(['{"files\\u0000":[1]}']).result).toBe('absent');
    expect(readPieces(['{"Files":[1]}']).result).toBe('absent');
  });

  it('an escaped quote and backslash are read right wherever the text is cut (2 and 3 pieces)', () => {
    const text = String.raw`{"files":["a\"b\\",{"k":"}]"},"\\\"",{"\"":"\\"}],"x\"":"\\"}`;
    const want = (JSON.parse(text) as { files: unknown[] }).files;
    expect(want).toEqual(['a"b\\', { k: '}]' }, '\\"', { '"': '\\' }]);
    for (let i = 0; i <= text.length; i++) {
      expect(readPieces([text.slice(0, i), text.slice(i)]).items, `cut at ${i}`).toEqual(want);
      for (let j = i; j <= text.length; j++) {
        const got = readPieces([text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(got.items, `cut at ${i}, ${j}`).toEqual(want);
        expect(got.result).toBe('list');
      }
    }
    expect(readPieces(chunks(text, 1)).items).toEqual(want);
  });

  it('brackets, braces, commas and colons inside strings are text, not structure', () => {
    const text = '{"x":"{[\\"]}","files":["]","}","[{",",",":",{"k]":"]}\\"","[":["}"]},"\\\\]"],"y":"]}"}';
    const want = (JSON.parse(text) as { files: unknown[] }).files;
    expect(want).toHaveLength(7);
    for (const pieces of [[text], ...everyCut(text), chunks(text, 1), chunks(text, 3)]) {
      const got = readPieces(pieces);
      expect(got.items).toEqual(want);
      expect(got.result).toBe('list');
    }
  });

  it('numbers and literals cut between pieces are read whole', () => {
    const text = '{"files":[12345,-6.5e-7,true,false,null,0],"n":-123,"t":true}';
    for (const pieces of [...everyCut(text), chunks(text, 1), chunks(text, 2)]) {
      expect(readPieces(pieces).items).toEqual([12345, -6.5e-7, true, false, null, 0]);
    }
    for (const text of ['{"files":null}', '{"files":  null  }', '{"a":[],"files":null}']) {
      for (const pieces of everyCut(text)) expect(readPieces(pieces).result).toBe('null');
    }
    for (const text of ['{"files":1}', '{"files":"[1]"}', '{"files":{"0":1}}', '{"files":false}']) {
      for (const pieces of everyCut(text)) {
        const got = readPieces(pieces);
        expect(got.result).toBe('other');
        expect(got.items).toEqual([]);
      }
    }
    for (const text of ['{}', ' { } ', '{"a":1}', '{"a":{"files":[1]}}']) {
      for (const pieces of everyCut(text)) expect(readPieces(pieces).result).toBe('absent');
    }
  });

  it('multi-byte characters and surrogate pairs cut in the middle', () => {
    const text = JSON.stringify({ files: ['Zoë ✓ 𝄞', { label: '𝄞𝄞', e: 'ü' }, '\ud800'], z: '✓' });
    const want = (JSON.parse(text) as { files: unknown[] }).files;
    for (const pieces of [...everyCut(text), chunks(text, 1)]) {
      expect(readPieces(pieces).items).toEqual(want);
    }
  });

  it('a 10,000-deep item is read without overflowing the stack, as JSON.parse reads it', () => {
    const depth = 10_000;
    const arrays = `{"files":[${'['.repeat(depth)}1${']'.repeat(depth)},2]}`;
    const objects = `{"files":[${'{"a":'.repeat(depth)}"}]"${'}'.repeat(depth)}]}`;
    for (const text of [arrays, objects]) {
      const parsed = (JSON.parse(text) as { files: unknown[] }).files;
      for (const pieces of [[text], chunks(text, 7), chunks(text, 4096)]) {
        const got = readPieces(pieces);
        expect(got.result).toBe('list');
        expect(got.items).toHaveLength(parsed.length);
        // compared without recursion (a 10,000-deep toEqual or JSON.stringify would itself overflow)
        expect(spine(got.items[0])).toEqual(spine(parsed[0]));
        expect(spine(got.items[0]).depth).toBe(depth);
        expect(got.items.slice(1)).toEqual(parsed.slice(1));
      }
    }
    // the same nesting left open is a SyntaxError, not a crash
    expect(() => readPieces(chunks(`{"files":[${'['.repeat(depth)}`, 512))).toThrow(SyntaxError);
  });

  it('20,000 items fed in 64 KiB pieces are all handed out, in order', () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({
      name: `claude-${i}.json`,
      provider: 'claude',
      label: i % 3 === 0 ? 'Zoë ✓ 𝄞' : `user ${i} "q" \\`,
      disabled: i % 2 === 0,
    }));
    const text = JSON.stringify({ files, total: files.length }, null, 1);
    const pieces = chunks(text, 64 * 1024);
    expect(pieces.length).toBeGreaterThan(10);
    let count = 0;
    const reader = new JsonListReader(KEY, (item, index) => {
      expect(index).toBe(count);
      expect(item).toEqual(files[index]);
      count++;
    });
    for (const piece of pieces) reader.push(piece);
    expect(reader.end()).toBe('list');
    expect(count).toBe(files.length);
  });

  it('hands out items as soon as they are complete, before the text ends', () => {
    const seen: unknown[] = [];
    const reader = new JsonListReader(KEY, (item) => seen.push(item));
    reader.push('{"a":[1],"files":[{"n":1},');
    expect(seen).toEqual([{ n: 1 }]);
    reader.push('"tw');
    expect(seen).toHaveLength(1);
    reader.push('o",3');
    // a number at the end of a piece may go on in the next one: not handed out yet
    expect(seen).toEqual([{ n: 1 }, 'two']);
    reader.push('4]');
    expect(seen).toEqual([{ n: 1 }, 'two', 34]);
    reader.push('}');
    expect(reader.end()).toBe('list');
  });

  it('an error thrown by onItem stops the read and comes out of push()', () => {
    const boom = new Error('visitor refused');
    const seen: number[] = [];
    const reader = new JsonListReader(KEY, (item, index) => {
      if (index === 1) throw boom;
      seen.push(item as number);
    });
    reader.push('{"files":[10,');
    expect(() => reader.push('20,30,40]}')).toThrow(boom);
    expect(seen).toEqual([10]);

    const calls: number[] = [];
    expect(() =>
      readJsonList('{"files":[1,2,3]}', KEY, (_, index) => {
        calls.push(index);
        if (index === 0) throw boom;
      }),
    ).toThrow(boom);
    expect(calls).toEqual([0]);
  });

  it('reads another key when asked for it', () => {
    const seen: unknown[] = [];
    expect(readJsonList('{"files":[1],"items":[2,3]}', 'items', (item) => seen.push(item))).toBe('list');
    expect(seen).toEqual([2, 3]);
  });
});
