/**
 * Shortens a line of node text to fit its width, with an ellipsis, measured once per text.
 *
 * Nodes have a fixed size (toFlow `NODE_SIZE`), and CSS `text-overflow: ellipsis` needs
 * `overflow: hidden`, which gives every line of every node a clip of its own: at 1,000 elements
 * those clips made Chromium's layerization cost 5–15 ms per frame while panning or dragging
 * (bench/editor.bench.ts). Measuring with a 2D canvas once per distinct text costs nothing per
 * frame. Without a canvas (tests in happy-dom), the text is returned as it is.
 */

/** Fonts of the node lines (app.css `.canvas-node-*`); the family is read from the page. */
export const NODE_FONTS = {
  kind: { weight: 600, size: 9.5, letterSpacing: 0.03, upper: true },
  name: { weight: 600, size: 13, letterSpacing: 0, upper: false },
  fabricName: { weight: 600, size: 12, letterSpacing: 0, upper: false },
  detail: { weight: 400, size: 11, letterSpacing: 0, upper: false },
  badge: { weight: 600, size: 9.5, letterSpacing: 0, upper: false },
} as const;
export type NodeFont = (typeof NODE_FONTS)[keyof typeof NODE_FONTS];

let context: CanvasRenderingContext2D | null | undefined;
let family = 'sans-serif';
const widths = new Map<string, number>();
const fitted = new Map<string, string>();

function measurer(): CanvasRenderingContext2D | null {
  if (context !== undefined) return context;
  try {
    context = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    if (context !== null) family = getComputedStyle(document.body).fontFamily || family;
  } catch {
    context = null;
  }
  return context;
}

/** The width in CSS pixels of `text` in `font`, or null when it cannot be measured. */
export function textWidth(text: string, font: NodeFont): number | null {
  const ctx = measurer();
  if (ctx === null) return null;
  const key = `${font.weight}/${font.size}/${font.letterSpacing}/${font.upper}\u0000${text}`;
  let width = widths.get(key);
  if (width === undefined) {
    ctx.font = `${font.weight} ${font.size}px ${family}`;
    const shown = font.upper ? text.toUpperCase() : text;
    width = ctx.measureText(shown).width + shown.length * font.letterSpacing * font.size;
    if (widths.size > 50_000) widths.clear();
    widths.set(key, width);
  }
  return width;
}

/** Whether `text` fits `width` in `font` (true when it cannot be measured). */
export function fitsIn(text: string, font: NodeFont, width: number): boolean {
  const full = textWidth(text, font);
  // A pixel of slack: canvas and layout round glyph advances differently.
  return full === null || full <= width - 1;
}

/** `text`, or its longest start that fits `width` followed by "…". */
export function fitText(text: string, font: NodeFont, width: number): string {
  const key = `${font.weight}/${font.size}/${font.upper}/${Math.round(width)}\u0000${text}`;
  const known = fitted.get(key);
  if (known !== undefined) return known;
  let result = text;
  if (!fitsIn(text, font, width)) {
    let low = 0;
    let high = text.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      const w = textWidth(`${text.slice(0, mid).trimEnd()}…`, font) ?? 0;
      if (w <= width - 1) low = mid;
      else high = mid - 1;
    }
    result = `${text.slice(0, low).trimEnd()}…`;
  }
  if (fitted.size > 20_000) fitted.clear();
  fitted.set(key, result);
  return result;
}
