import { PALETTE } from '../kinds';

/**
 * The element kinds a scenario is built from. Dragging them onto the canvas is the editor's
 * (issue 5); for now the palette names each kind and says what it stands for.
 */
export function Palette() {
  return (
    <nav className="app-palette panel" aria-label="Palette">
      <h2 className="panel-heading">Elements</h2>
      {PALETTE.map((group) => (
        <section key={group.heading} className="palette-group" aria-label={group.heading}>
          <h3 className="palette-group-heading">{group.heading}</h3>
          <ul className="palette-list">
            {group.items.map((item) => (
              <li key={item.label} className="palette-item" title={item.description}>
                <span className={`kind-icon kind-${item.tone}`} aria-hidden="true">
                  {item.glyph}
                </span>
                <span className="palette-item-label">{item.label}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
