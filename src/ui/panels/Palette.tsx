import { useReactFlow } from '@xyflow/react';
import type { DragEvent } from 'react';
import type { NewElementKind } from '../../scenario/edit';
import { boxesOf, growGroups, keyboardPlacement, PALETTE_MIME } from '../canvas/geometry';
import { toFlow } from '../canvas/toFlow';
import { PALETTE } from '../kinds';
import { useAppStore } from '../store';

function onDragStart(event: DragEvent, kind: NewElementKind) {
  event.dataTransfer.setData(PALETTE_MIME, kind);
  event.dataTransfer.effectAllowed = 'copy';
}

/**
 * The element kinds a scenario is built from: drag one onto the canvas (it joins the subnet, VM
 * or load balancer it is dropped on), or press Enter on it to add it to the selected container
 * (or the first subnet) at a free spot.
 */
export function Palette() {
  const { getZoom, setCenter } = useReactFlow();
  const add = (kind: NewElementKind) => {
    const { scenario, selection, addElement } = useAppStore.getState();
    const placement = keyboardPlacement(scenario, selection, kind);
    // A full subnet, or a VNet given one more subnet, grows to hold the new element.
    const boxes = boxesOf(toFlow(scenario).nodes);
    addElement(kind, placement, (result) => growGroups(result, boxes));
    // Bring the new element into view, at the current zoom.
    const at = placement.position;
    if (at !== undefined && useAppStore.getState().scenario !== scenario) {
      setCenter(at.x + 76, at.y + 31, { zoom: getZoom(), duration: 150 });
    }
  };
  return (
    <nav className="app-palette panel" aria-label="Palette">
      <h2 className="panel-heading">Elements</h2>
      <p className="palette-hint">Drag onto the canvas, or press Enter to add.</p>
      {PALETTE.map((group) => (
        <section key={group.heading} className="palette-group" aria-label={group.heading}>
          <h3 className="palette-group-heading">{group.heading}</h3>
          <ul className="palette-list">
            {group.items.map((item) => (
              <li key={item.label}>
                <button
                  type="button"
                  className="palette-item"
                  title={item.description}
                  aria-label={item.label}
                  aria-description={item.description}
                  draggable
                  onDragStart={(e) => onDragStart(e, item.kind)}
                  onClick={() => add(item.kind)}
                >
                  <span className={`kind-icon kind-${item.tone}`} aria-hidden="true">
                    {item.glyph}
                  </span>
                  <span className="palette-item-label">{item.label}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
