import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';
import { parseInline, parseMarkdown } from './markdown';

const html = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('parseInline', () => {
  it('reads bold, italic and code, nested', () => {
    expect(parseInline('a **b *c* d** `d*e*`')).toEqual([
      { t: 'text', text: 'a ' },
      {
        t: 'strong',
        children: [
          { t: 'text', text: 'b ' },
          { t: 'em', children: [{ t: 'text', text: 'c' }] },
          { t: 'text', text: ' d' },
        ],
      },
      { t: 'text', text: ' ' },
      { t: 'code', text: 'd*e*' },
    ]);
  });

  it('leaves unclosed markers, lone asterisks and snake_case as text', () => {
    expect(parseInline('2 * 3 and **open')).toEqual([{ t: 'text', text: '2 * 3 and **open' }]);
    expect(parseInline('enable_tcp_reset')).toEqual([{ t: 'text', text: 'enable_tcp_reset' }]);
  });

  it('keeps an escaped marker as its character', () => {
    expect(parseInline('\\*not em\\*')).toEqual([{ t: 'text', text: '*not em*' }]);
  });
});

describe('parseMarkdown', () => {
  it('splits paragraphs on blank lines and reads lists with their start number', () => {
    const blocks = parseMarkdown('One\nline.\n\n3. a\n   more\n4. b\n\n- x\n* y');
    expect(blocks.map((b) => b.t)).toEqual(['p', 'ol', 'ul']);
    expect(blocks[0]).toEqual({ t: 'p', children: [{ t: 'text', text: 'One line.' }] });
    expect(blocks[1]).toMatchObject({ t: 'ol', start: 3, items: [[{ text: 'a more' }], [{ text: 'b' }]] });
    expect(blocks[2]).toMatchObject({ t: 'ul', items: [[{ text: 'x' }], [{ text: 'y' }]] });
  });
});

describe('Markdown', () => {
  it('renders the subset as elements', () => {
    expect(html('**the ILB hairpin write-up §1** and `web01`\n\n1. SYN\n2. *SYN-ACK*')).toBe(
      '<div><p><strong>the ILB hairpin write-up §1</strong> and <code>web01</code></p><ol><li>SYN</li><li><em>SYN-ACK</em></li></ol></div>',
    );
  });

  it('opens http links in a new tab without an opener or referrer', () => {
    expect(html('[docs](https://learn.microsoft.com/azure)')).toBe(
      '<div><p><a href="https://learn.microsoft.com/azure" target="_blank" rel="noopener noreferrer">docs</a></p></div>',
    );
  });

  it('never produces markup from the text, and drops unsafe link targets', () => {
    const out = html('<img src=x onerror=alert(1)> [click](javascript:alert(1)) [d](data:text/html,x)');
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('href');
    expect(out).toContain('click');
  });
});
