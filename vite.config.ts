import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The Content-Security-Policy of the built app: scripts, workers, styles and connections only from
 * the app's own origin, no inline script or style element, no plugins. (React and React Flow set
 * element styles through the CSSOM, which the policy does not restrict.) Images also from `data:`
 * and `blob:` (PNG export draws the canvas through a `data:` SVG). A later workshop-room server adds
 * its origin to `connect-src`. `frame-ancestors` is left out on purpose: the viewer (`&view=1`) is
 * meant to be embedded in slides and pages.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Writes the policy into the built index.html (so a static host without headers still enforces
 * it). The dev server is exempt: its React plugin injects an inline script for hot reloading.
 */
const contentSecurityPolicy = (): Plugin => ({
  name: 'hairpin-content-security-policy',
  apply: 'build',
  transformIndexHtml: (html) => {
    const charset = '<meta charset="UTF-8" />';
    if (!html.includes(charset)) throw new Error(`index.html has no ${charset} to put the policy after`);
    return html.replace(
      charset,
      `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
    );
  },
});

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  // ES-module workers so that the engine worker can share chunks with the page (TOOLCHAIN.md G8).
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own: they change less often than the app, so a new version
        // of the app does not make returning visitors fetch React again. The parts a first visit
        // does not show are split off where they are imported (src/ui/lazy.tsx).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // Only the d3 modules React Flow uses: the charts' (d3-scale, d3-format…) stay in their lazy chunks.
            {
              name: 'flow',
              test: /node_modules[\\/](@xyflow|classcat|d3-(color|dispatch|drag|ease|interpolate|selection|timer|transition|zoom))[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  // `npm start` and the end-to-end tests serve the build with `vite preview`: the policy as a header too.
  preview: { headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
});
