import { describe, expect, it } from 'vitest';
import { eagerScripts, staticImports } from './bundle.bench';

describe('bundle bench parsing', () => {
  it('follows static imports and re-exports of a minified chunk, never dynamic ones', () => {
    const code =
      'import{a as b}from"./vendor-1.js";import"./side-2.js";export{c}from"../up-3.js";' +
      'const m=()=>import("./lazy-4.js");const n=__vitePreload(()=>import(\'./lazy-5.js\'),[]);';
    expect(staticImports(code)).toEqual(['./vendor-1.js', './side-2.js', '../up-3.js']);
  });

  it('reads the module scripts and modulepreloads of index.html', () => {
    const html =
      '<script type="module" crossorigin src="/assets/index-a.js"></script>' +
      '<link rel="modulepreload" crossorigin href="/assets/react-b.js"><link rel="stylesheet" href="/assets/index-c.css">';
    expect(eagerScripts(html)).toEqual(['/assets/index-a.js', '/assets/react-b.js']);
  });
});
