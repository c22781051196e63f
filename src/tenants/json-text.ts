// A small JSON reader for the tenants file that says where the text goes wrong. JSON.parse in
// Node 20 often reports no position, so the error landed at the end of the file; it also keeps
// the last of two duplicate keys without a word, which is how a merge conflict loses a tenant.
// This reader gives JSON.parse's value for valid JSON and otherwise throws `JsonTextError` with
// the line and column of the first problem. It is iterative, so deep nesting cannot overflow the
// stack, and every step moves forward through the text, so it always ends.

/** Where a JSON text goes wrong: 1-based line and column (in UTF-16 code units, as editors count). */
export class JsonTextError extends Error {
  /** `malformed JSON: ...` */
  public readonly reason: string;
  public readonly line: number;
  public readonly column: number;
  /** 0-based offset into the text. */
  public readonly offset: number;

  constructor(source: string, text: string, offset: number, reason: string) {
    const { line, column } = lineAndColumn(text, offset);
    super(`${source}:${line}:${column}: malformed JSON: ${reason}`);
    this.name = 'JsonTextError';
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.offset = offset;
  }
}

/**
 * Parses JSON text as `JSON.parse` does, but refuses duplicate keys, and throws `JsonTextError`
 * (`source:line:column: malformed JSON: reason`) at the first problem.
 */
export function parseJsonText(text: string, source: string = 'JSON text'): unknown {
  return new Reader(text, source).document();
}

/** The 1-based line and column of an offset; `\n`, `\r\n` and a lone `\r` each end a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

const LF = 0x0a;
const CR = 0x0d;
const ESCAPES: { [c: string]: string } = { '"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t' };
const LITERALS = [['true', true], ['false', false], ['null', null]] as const;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const CONFLICT_MARKER = /(?:<{7}|={7}|>{7})/y;
/** A run of string characters that need no attention: not a quote, backslash or control character. */
const PLAIN = /[^"\\\x00-\x1f]*/y;

/** An object or array being read, with what the reader expects next inside it. */
type Frame =
  | { kind: 'array'; value: unknown[] }
  | { kind: 'object'; value: { [key: string]: unknown }; key: string; keys: Map<string, number> };

class Reader {
  private at = 0;

  constructor(private readonly text: string, private readonly source: string) {}

  public document(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) {
      this.fail(0, 'the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM');
    }
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail(this.at, `unexpected ${this.found()} after the JSON value`);
    return value;
  }

  /** Reads one value; containers are read with an explicit stack rather than recursion. */
  private value(): unknown {
    const stack: Frame[] = [];
    // Each pass reads one value (or opens a container) and then settles what follows it.
    for (;;) {
      this.space();
      let value: unknown;
      let complete = true;
      const c = this.text[this.at];
      if (c === '{' || c === '[') {
        this.at++;
        this.space();
        const frame: Frame = c === '['
          ? { kind: 'array', value: [] }
          : { kind: 'object', value: {}, key: '', keys: new Map() };
        if (this.text[this.at] === (c === '[' ? ']' : '}')) {
          this.at++;
          value = frame.value;
        } else {
          stack.push(frame);
          if (frame.kind === 'object') this.key(frame);
          complete = false;
        }
      } else {
        value = this.scalar(stack.length === 0 ? 'a JSON value' : 'a value');
      }
      if (!complete) continue;

      // Put the value in its container, then close every container that ends here.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return value;
        if (frame.kind === 'array') frame.value.push(value);
        else define(frame.value, frame.key, value);
        this.space();
        const close = frame.kind === 'array' ? ']' : '}';
        const next = this.text[this.at];
        if (next === ',') {
          const comma = this.at++;
          this.space();
          if (this.text[this.at] === close) this.fail(comma, `trailing comma before '${close}'; JSON allows none`);
          if (frame.kind === 'object') this.key(frame);
          break;
        }
        if (next === close) {
          this.at++;
          stack.pop();
          value = frame.value;
          continue;
        }
        this.fail(this.at, `expected ',' or '${close}' after ${frame.kind === 'array' ? 'an array element' : 'a property value'}` +
          (next === undefined ? ', found the end of the text' : ''));
      }
    }
  }

  /** Reads `"key":` into the frame, refusing a key the object already has. */
  private key(frame: Frame & { kind: 'object' }): void {
    this.space();
    const start = this.at;
    if (this.text[start] !== '"') {
      this.fail(start, `expected a property name in double quotes, found ${this.found()}`);
    }
    const key = this.string();
    const first = frame.keys.get(key);
    if (first !== undefined) {
      const line = lineAndColumn(this.text, first).line;
      const here = lineAndColumn(this.text, start).line;
      this.fail(start, `duplicate key ${JSON.stringify(key)} ${line === here ? `twice on line ${line}` : `on lines ${line} and ${here}`}: ` +
        'a JSON reader silently keeps only the last one, so merge or remove one (a merge conflict often leaves two)');
    }
    frame.keys.set(key, start);
    frame.key = key;
    this.space();
    if (this.text[this.at] !== ':') this.fail(this.at, `expected ':' after the property name ${JSON.stringify(key)}`);
    this.at++;
  }

  private scalar(what: string): unknown {
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    if (c === undefined) this.fail(this.at, what === 'a JSON value' ? 'the text is empty' : `expected ${what}, found the end of the text`);
    if (c === '\'') this.fail(this.at, 'strings take double quotes (") in JSON, not single quotes');
    this.fail(this.at, `expected ${what}, found ${this.found()}`);
  }

  private number(): number {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    // A '-' alone, or a number cut short ("1.", "1e"), matches less than it should.
    const end = match === null ? this.at : this.at + match[0].length;
    const after = this.text[end];
    if (match === null || match[0] === '-' || after === '.' || after === 'e' || after === 'E' ||
      (match[0].replace('-', '') === '0' && after >= '0' && after <= '9')) {
      const bad = match === null || match[0] === '-' ? this.at : end;
      this.fail(bad, `malformed number ${JSON.stringify(this.text.slice(this.at, Math.max(end, bad) + 1))}`);
    }
    this.at = end;
    return Number(match[0]);
  }

  private string(): string {
    const start = this.at++;
    let result = '';
    let from = this.at;
    for (;;) {
      PLAIN.lastIndex = this.at;
      PLAIN.test(this.text);
      this.at = PLAIN.lastIndex;
      const c = this.text.charCodeAt(this.at);
      if (c === 0x22) { // "
        result += this.text.slice(from, this.at);
        this.at++;
        return result;
      }
      if (Number.isNaN(c)) this.fail(start, 'this string has no closing \'"\'');
      if (c < 0x20) {
        this.fail(this.at, c === LF || c === CR
          ? 'a line break inside a string (end the string with \'"\', or write \\n)'
          : `a control character (U+${c.toString(16).padStart(4, '0').toUpperCase()}) inside a string; escape it`);
      }
      if (c === 0x5c) { // backslash
        result += this.text.slice(from, this.at);
        const e = this.text[this.at + 1];
        if (e === 'u') {
          const hex = this.text.slice(this.at + 2, this.at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(this.at, 'malformed \\u escape: it needs four hex digits');
          result += String.fromCharCode(parseInt(hex, 16));
          this.at += 6;
        } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
          result += ESCAPES[e];
          this.at += 2;
        } else {
          this.fail(this.at, `unknown escape '${this.text.slice(this.at, this.at + 2)}' in a string`);
        }
        from = this.at;
        continue;
      }
      this.at++;
    }
  }

  /** Skips JSON whitespace; refuses a comment, which JSON does not have. */
  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x20 || c === LF || c === CR || c === 0x09) {
        this.at++;
      } else if (c === 0x2f && (this.text[this.at + 1] === '/' || this.text[this.at + 1] === '*')) {
        this.fail(this.at, `JSON has no comments; remove the ${this.text[this.at + 1] === '/' ? "'//'" : "'/* */'"} comment`);
      } else {
        return;
      }
    }
  }

  /** The character at the reader, quoted, noting an unresolved merge conflict. */
  private found(): string {
    const c = this.text[this.at];
    if (c === undefined) return 'the end of the text';
    CONFLICT_MARKER.lastIndex = this.at;
    const lineStart = this.at === 0 || this.text[this.at - 1] === '\n' || this.text[this.at - 1] === '\r';
    if (lineStart && CONFLICT_MARKER.test(this.text)) return `'${c.repeat(7)}', a merge conflict marker; resolve the conflict`;
    return `'${c}'`;
  }

  private fail(offset: number, reason: string): never {
    throw new JsonTextError(this.source, this.text, offset, reason);
  }
}

/** Sets a key as JSON.parse does: an own property, even for `__proto__`. */
function define(target: { [key: string]: unknown }, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
