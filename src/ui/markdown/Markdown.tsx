/**
 * Renders `parseMarkdown`'s tree as React elements (never as HTML; see markdown.ts). Keys are
 * positions: the tree is derived from the text and rebuilt whole when it changes.
 */
import { Fragment, memo, type ReactNode, useMemo } from 'react';
import { type Block, type Inline, parseMarkdown } from './markdown';

function renderOne(n: Inline, key: number): ReactNode {
  switch (n.t) {
    case 'text':
      return <Fragment key={key}>{n.text}</Fragment>;
    case 'code':
      return <code key={key}>{n.text}</code>;
    case 'strong':
      return <strong key={key}>{renderInline(n.children)}</strong>;
    case 'em':
      return <em key={key}>{renderInline(n.children)}</em>;
    case 'link':
      return (
        <a key={key} href={n.href} target="_blank" rel="noopener noreferrer">
          {renderInline(n.children)}
        </a>
      );
  }
}

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  const out: ReactNode[] = [];
  for (const n of nodes) out.push(renderOne(n, out.length));
  return out;
}

function renderItems(items: readonly (readonly Inline[])[]): ReactNode[] {
  const out: ReactNode[] = [];
  for (const item of items) out.push(<li key={out.length}>{renderInline(item)}</li>);
  return out;
}

function renderBlock(b: Block, key: number): ReactNode {
  if (b.t === 'p') return <p key={key}>{renderInline(b.children)}</p>;
  if (b.t === 'ul') return <ul key={key}>{renderItems(b.items)}</ul>;
  return (
    <ol key={key} start={b.start === 1 ? undefined : b.start}>
      {renderItems(b.items)}
    </ol>
  );
}

export const Markdown = memo(function Markdown({ source, className }: { source: string; className?: string }) {
  const blocks = useMemo(() => {
    const out: ReactNode[] = [];
    for (const b of parseMarkdown(source)) out.push(renderBlock(b, out.length));
    return out;
  }, [source]);
  return <div className={className}>{blocks}</div>;
});
