import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
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
});
