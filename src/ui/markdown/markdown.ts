/**
 * A safe subset of markdown for scenario descriptions, which come from untrusted documents (share
 * links, opened files): paragraphs, `-`/`*` and `1.` lists, **bold**, *italic* / _italic_,
 * `inline code` and [links](https://…). Parsed into a small tree that `Markdown.tsx` turns into
 * React elements, so the text is never HTML: a `<script>` in a description stays text. Links keep
 * only http(s) and mailto targets; anything else (javascript:, data:) renders as its text.
 * Everything else (headings, images, HTML, tables) is shown as the text it is.
 */

export type Inline =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'strong' | 'em'; readonly children: readonly Inline[] }
  | { readonly t: 'code'; readonly text: string }
  | { readonly t: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly t: 'p'; readonly children: readonly Inline[] }
  | { readonly t: 'ul' | 'ol'; readonly start: number; readonly items: readonly (readonly Inline[])[] };

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBER = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;

/** Blocks: blank lines end a paragraph or a list; a list item's continuation lines join it. */
export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; start: number; items: string[] } | null = null;
  const flush = () => {
    if (para.length > 0) blocks.push({ t: 'p', children: parseInline(para.join(' ')) });
    para = [];
    if (list !== null) blocks.push({ t: list.t, start: list.start, items: list.items.map(parseInline) });
    list = null;
  };
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') {
      flush();
      continue;
    }
    const bullet = BULLET.exec(raw);
    const number = bullet === null ? NUMBER.exec(raw) : null;
    if (bullet !== null || number !== null) {
      const t = bullet !== null ? 'ul' : 'ol';
      const text = (bullet?.[1] ?? number?.[2] ?? '').trim();
      if (list === null || list.t !== t) {
        flush();
        list = { t, start: number === null ? 1 : Number(number[1]), items: [] };
      }
      list.items.push(text);
    } else if (list !== null && list.items.length > 0) {
      list.items[list.items.length - 1] += ` ${line}`;
    } else {
      para.push(line);
    }
  }
  flush();
  return blocks;
}

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** Inline spans, left to right; an opener with no closer is plain text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const pushText = () => {
    if (plain !== '') out.push({ t: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()]/.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        pushText();
        out.push({ t: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const double = text[i + 1] === c;
      const marker = double ? c + c : c;
      const from = i + marker.length;
      const end = findCloser(text, marker, from);
      // Intraword underscores (snake_case names) are not emphasis.
      const wordBefore = c === '_' && i > 0 && /\w/.test(text[i - 1] ?? '');
      if (end > from && !wordBefore && text[from] !== ' ') {
        pushText();
        out.push({ t: double ? 'strong' : 'em', children: parseInline(text.slice(from, end)) });
        i = end + marker.length;
        continue;
      }
    }
    if (c === '[') {
      const close = text.indexOf('](', i + 1);
      const paren = close === -1 ? -1 : text.indexOf(')', close + 2);
      if (close > i && paren > close) {
        const href = text.slice(close + 2, paren).trim();
        const label = parseInline(text.slice(i + 1, close));
        pushText();
        // An unsafe target (javascript:, data:, a relative path) keeps its label, loses the link.
        if (SAFE_HREF.test(href)) out.push({ t: 'link', href, children: label });
        else out.push(...label);
        i = paren + 1;
        continue;
      }
    }
    plain += c;
    i++;
  }
  pushText();
  return out;
}

function findCloser(text: string, marker: string, from: number): number {
  let at = text.indexOf(marker, from);
  while (at !== -1) {
    const single = marker.length === 1;
    // A single marker must not be half of a double one, and a closer does not follow a space.
    const partOfDouble = single && (text[at + 1] === marker || text[at - 1] === marker);
    const afterSpace = text[at - 1] === ' ';
    const wordAfter = marker[0] === '_' && /\w/.test(text[at + marker.length] ?? '');
    if (!partOfDouble && !afterSpace && !wordAfter) return at;
    at = text.indexOf(marker, at + marker.length);
  }
  return -1;
}
