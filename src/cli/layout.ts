// Editing a tenants file in its own layout: a hand-laid-out file (its indentation, one-line
// tenants, its field order, CRLF line endings) keeps every line but the edited tenants', so the
// pull request's diff is the change itself. Each edit is checked by parsing the result: when the
// file's shape is one this cannot edit in place, the caller re-lays the file out and says so.

/** A JSON value's place in the text: [start, end), and its members or items. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly members?: { key: string; keyStart: number; value: Span }[];
  readonly items?: Span[];
}

/** A tenant's new text in the file's layout, given how its neighbour is laid out. */
export type TenantRenderer = (value: unknown, indent: string, step: string, oneLine: boolean) => string;

/** What to change in the tenants list. */
export interface TenantEdit {
  /** Tenants to append, in order. */
  readonly append?: readonly unknown[];
  /** Indexes of tenants to delete. */
  readonly remove?: readonly number[];
  /** Fields to add to existing tenants, by index: appended after the tenant's last field. */
  readonly addFields?: ReadonlyMap<number, { [key: string]: unknown }>;
}

/**
 * The text with the edit made in place, or undefined when the file's shape does not allow it
 * (an empty list, a list and its neighbours on one line, ...). The caller checks the result.
 */
export function editInPlace(text: string, edit: TenantEdit, eol: string): string | undefined {
  let root: Span;
  try {
    root = scan(text, skip(text, 0)).span;
  } catch {
    return undefined;
  }
  const list = root.items !== undefined ? root : root.members?.find(m => m.key === 'tenants')?.value;
  const items = list?.items;
  if (list === undefined || items === undefined || items.length === 0) return undefined;
  const step = indentStep(text, items);
  if (step === undefined) return undefined;

  // Splices from the end of the text backwards, so earlier offsets stay right.
  const splices: { start: number; end: number; insert: string }[] = [];
  const appended = edit.append ?? [];
  if (appended.length > 0) {
    const last = items[items.length - 1];
    const indent = lineIndent(text, last.start);
    const oneLine = !text.slice(last.start, last.end).includes('\n');
    const insert = appended.map(value => `,${eol}${indent}${render(value, indent, step, oneLine, eol)}`).join('');
    splices.push({ start: last.end, end: last.end, insert });
  }
  for (const [index, fields] of edit.addFields ?? new Map()) {
    const tenant = items[index];
    const members = tenant.members;
    if (members === undefined || members.length === 0) return undefined;
    const lastMember = members[members.length - 1];
    const oneLine = !text.slice(tenant.start, tenant.end).includes('\n');
    const insert = Object.entries(fields).map(([key, value]) => oneLine
      ? `, ${JSON.stringify(key)}: ${inline(value)}`
      : `,${eol}${lineIndent(text, lastMember.keyStart)}${JSON.stringify(key)}: ${inline(value)}`).join('');
    splices.push({ start: lastMember.value.end, end: lastMember.value.end, insert });
  }
  for (const index of edit.remove ?? []) {
    // A tenant goes with the separator before it (after it, for the first), so its line goes whole.
    const start = index === 0 ? items[0].start : items[index - 1].end;
    const end = index === 0 ? (items.length > 1 ? items[1].start : items[0].end) : items[index].end;
    splices.push({ start, end, insert: '' });
  }
  splices.sort((a, b) => b.start - a.start);
  return splices.reduce((result, s) => result.slice(0, s.start) + s.insert + result.slice(s.end), text);
}

/** A value on one line, as people write it: `{ "id": "a", "domainNames": ["a.example.com"] }`. */
export function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

function render(value: unknown, indent: string, step: string, oneLine: boolean, eol: string): string {
  return oneLine ? inline(value) : JSON.stringify(value, null, step).split('\n').join(`${eol}${indent}`);
}

/** The file's indentation step, from the first tenant's line and its list's; undefined when not one of spaces or tabs. */
function indentStep(text: string, items: readonly Span[]): string | undefined {
  const first = items[0];
  const indent = lineIndent(text, first.start);
  const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
  if (text.slice(lineStart, first.start) !== indent) return undefined; // the tenant shares its line with something else
  const inner = first.members?.[0];
  if (inner !== undefined && text.slice(first.start, first.end).includes('\n')) {
    const innerIndent = lineIndent(text, inner.keyStart);
    return innerIndent.startsWith(indent) && innerIndent.length > indent.length ? innerIndent.slice(indent.length) : undefined;
  }
  return indent.startsWith('\t') ? '\t' : '  ';
}

/** The whitespace that starts the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

function skip(text: string, at: number): number {
  while (at < text.length && ' \t\r\n\uFEFF'.includes(text[at])) at++;
  return at;
}

/** Spans of the valid JSON value at `at` (the text was parsed before). */
function scan(text: string, at: number): { span: Span; next: number } {
  const c = text[at];
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    const members: { key: string; keyStart: number; value: Span }[] = [];
    const items: Span[] = [];
    let i = skip(text, at + 1);
    while (text[i] !== close) {
      if (c === '{') {
        const key = scanString(text, i);
        const value = scan(text, skip(text, skip(text, key.end) + 1));
        members.push({ key: JSON.parse(text.slice(i, key.end)), keyStart: i, value: value.span });
        i = value.next;
      } else {
        const value = scan(text, i);
        items.push(value.span);
        i = value.next;
      }
      i = skip(text, i);
      if (text[i] === ',') i = skip(text, i + 1);
      else if (text[i] !== close) throw new Error('not JSON');
    }
    const span = c === '{' ? { start: at, end: i + 1, members } : { start: at, end: i + 1, items };
    return { span, next: i + 1 };
  }
  if (c === '"') {
    const { end } = scanString(text, at);
    return { span: { start: at, end }, next: end };
  }
  const match = /^(-?[0-9.eE+-]+|true|false|null)/.exec(text.slice(at, at + 400));
  if (match === null) throw new Error('not JSON');
  return { span: { start: at, end: at + match[0].length }, next: at + match[0].length };
}

function scanString(text: string, at: number): { end: number } {
  if (text[at] !== '"') throw new Error('not JSON');
  let i = at + 1;
  while (text[i] !== '"') {
    if (i >= text.length) throw new Error('not JSON');
    i += text[i] === '\\' ? 2 : 1;
  }
  return { end: i + 1 };
}
