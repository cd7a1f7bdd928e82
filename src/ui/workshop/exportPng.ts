/**
 * The canvas as a PNG (issue 7 §4), without a new dependency. React Flow's documented way is
 * html-to-image's `toPng` on `.react-flow__viewport` with the transform that fits the nodes'
 * bounds (getNodesBounds, getViewportForBounds); this is the small part of it we need:
 *
 * 1. clone the flow's DOM (nodes and the SVG edges), minus the chrome (minimap, controls, the
 *    dotted background), with the viewport transform replaced by one that frames every node;
 * 2. put the clone in an SVG `<foreignObject>` with the page's own style sheets inlined (an SVG
 *    drawn as an image loads nothing from outside), inside wrappers carrying the app's classes so
 *    that the same rules match (presenter mode included);
 * 3. draw that SVG on a canvas at twice its size and encode the canvas as PNG.
 */

export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Margin around the nodes, in flow pixels. */
const MARGIN = 32;
/** Device pixels per flow pixel, lowered for big scenarios so the image stays under `MAX_SIDE`. */
const PIXEL_RATIO = 2;
const MAX_SIDE = 8192;

/** The text of every style sheet of the page that can be read (same origin). */
function pageCss(): string {
  const parts: string[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) parts.push(rule.cssText);
    } catch {
      // A cross-origin sheet cannot be read; the page has none, and it would not matter here.
    }
  }
  return parts.join('\n');
}

const cdata = (text: string) => `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** The SVG document showing the flow in `flowRoot` framed on `bounds` (flow coordinates). */
export function canvasSvg(flowRoot: HTMLElement, bounds: Bounds): { svg: string; width: number; height: number } {
  const width = Math.ceil(bounds.width + 2 * MARGIN);
  const height = Math.ceil(bounds.height + 2 * MARGIN);
  const clone = flowRoot.cloneNode(true) as HTMLElement;
  for (const chrome of clone.querySelectorAll(
    '.react-flow__minimap, .react-flow__controls, .react-flow__attribution, .react-flow__background, .react-flow__panel, .react-flow__selection, .react-flow__nodesselection',
  ))
    chrome.remove();
  const viewport = clone.querySelector<HTMLElement>('.react-flow__viewport');
  if (viewport !== null) {
    viewport.style.transform = `translate(${MARGIN - bounds.x}px, ${MARGIN - bounds.y}px) scale(1)`;
  }
  Object.assign(clone.style, { width: `${width}px`, height: `${height}px`, position: 'relative', background: '#fff' });

  // The ancestors the style sheets' selectors expect (`.app.is-presenter …`, `.canvas …`).
  const app = document.createElement('div');
  app.className = flowRoot.closest('.app')?.className ?? 'app';
  Object.assign(app.style, { display: 'block', width: `${width}px`, height: `${height}px`, minHeight: '0' });
  const main = document.createElement('div');
  main.className = flowRoot.closest('.app-canvas')?.className ?? 'app-canvas';
  Object.assign(main.style, { width: `${width}px`, height: `${height}px`, background: '#fff' });
  const surface = document.createElement('div');
  surface.className = flowRoot.parentElement?.className ?? 'canvas';
  Object.assign(surface.style, { position: 'relative', width: `${width}px`, height: `${height}px` });
  surface.append(clone);
  main.append(surface);
  app.append(main);

  const body = new XMLSerializer().serializeToString(app);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<style>${cdata(pageCss())}</style>` +
    `<foreignObject x="0" y="0" width="${width}" height="${height}">${body}</foreignObject></svg>`;
  return { svg, width, height };
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.decoding = 'sync';
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the canvas could not be drawn as an image'));
    image.src = src;
  });
}

/** The flow in `flowRoot`, framed on `bounds`, as a PNG blob on a white background. */
export async function canvasPng(flowRoot: HTMLElement, bounds: Bounds): Promise<Blob> {
  const { svg, width, height } = canvasSvg(flowRoot, bounds);
  const ratio = Math.min(PIXEL_RATIO, MAX_SIDE / Math.max(width, height));
  const image = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser gave no 2D canvas');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob === null ? reject(new Error('the PNG could not be encoded')) : resolve(blob)),
      'image/png',
    ),
  );
}
