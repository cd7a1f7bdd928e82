import { Canvas } from './canvas/Canvas';
import { Banners } from './panels/Banners';
import { Header } from './panels/Header';
import { Inspector } from './panels/Inspector';
import { LinkDialog } from './panels/LinkDialog';
import { Palette } from './panels/Palette';
import { RunPanel } from './panels/RunPanel';
import { useAppStore } from './store';

/** The page: header, palette, canvas, inspector and run area on one CSS grid. */
export function App() {
  const viewer = useAppStore((s) => s.viewer);
  return (
    <div className={`app${viewer ? ' is-viewer' : ''}`}>
      <Header />
      {!viewer && <Palette />}
      <main className="app-canvas" aria-label="Canvas">
        <Canvas />
        <Banners />
      </main>
      <Inspector />
      <RunPanel />
      <LinkDialog />
    </div>
  );
}
