/**
 * Custom node types, defined once at module scope and memoised (React Flow re-creates every node
 * when `nodeTypes` changes identity, and re-renders a node on every store tick unless memoised).
 */
import { Handle, type NodeProps, NodeResizer, type NodeTypes, Position } from '@xyflow/react';
import { memo } from 'react';
import { KIND_INFO } from '../kinds';
import { useAppStore } from '../store';
import type { ElementNode, ElementNodeData, FabricNode, GroupNode } from './toFlow';

const SIDES = [
  ['top', Position.Top],
  ['right', Position.Right],
  ['bottom', Position.Bottom],
  ['left', Position.Left],
] as const;

/**
 * One handle per side, of type source: the canvas connects in loose mode, so a connection can
 * start or end on any of them, and toFlow picks the pair that face each other for each edge.
 */
function Handles({ connectable }: { connectable: boolean }) {
  return (
    <>
      {SIDES.map(([side, position]) => (
        <Handle
          key={side}
          id={side}
          type="source"
          position={position}
          isConnectable={connectable}
          className="node-handle"
          aria-label={`Connect from the ${side}`}
        />
      ))}
    </>
  );
}

function Problems({ data }: { data: ElementNodeData }) {
  if (!data.errors && !data.warnings) return null;
  const errors = data.errors ?? 0;
  const warnings = data.warnings ?? 0;
  const text = [
    errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span
      className={`node-problems ${errors > 0 ? 'has-errors' : 'has-warnings'}`}
      title={text}
      role="img"
      aria-label={text}
    >
      {errors > 0 ? errors : warnings}
    </span>
  );
}

const ElementNodeView = memo(function ElementNodeView({ data, selected, isConnectable }: NodeProps<ElementNode>) {
  const info = KIND_INFO[data.kind];
  return (
    <div
      className={`canvas-node kind-${data.kind}${selected ? ' is-selected' : ''}${data.badges !== undefined ? ' has-badges' : ''}`}
    >
      <Handles connectable={isConnectable} />
      <Problems data={data} />
      <div className="canvas-node-text">
        <div className="canvas-node-kind">{info.label}</div>
        <div className="canvas-node-name" title={data.name}>
          {data.name}
        </div>
        {data.details.map((line) => (
          <div key={line} className="canvas-node-detail" title={line}>
            {line}
          </div>
        ))}
      </div>
      {data.badges !== undefined && (
        <div className="canvas-node-badges">
          {data.badges.map((b) => (
            <span key={b} className="node-badge">
              {b}
            </span>
          ))}
        </div>
      )}
    </div>
  );
});

const NetworkNodeView = memo(function NetworkNodeView({ id, data, selected, isConnectable }: NodeProps<GroupNode>) {
  const info = KIND_INFO[data.kind];
  const viewer = useAppStore((s) => s.viewer);
  return (
    <div className={`canvas-network kind-${data.kind}${selected ? ' is-selected' : ''}`}>
      <NodeResizer
        isVisible={selected === true && !viewer}
        minWidth={200}
        minHeight={100}
        lineClassName="group-resize-line"
        handleClassName="group-resize-handle"
        onResize={(_event, box) => {
          const store = useAppStore.getState();
          const overlay = new Map(store.dragging ?? []);
          overlay.set(id, { x: box.x, y: box.y, width: box.width, height: box.height });
          store.setDragging(overlay);
        }}
        onResizeEnd={(_event, box) => {
          useAppStore.getState().commitLayout({ [id]: { x: box.x, y: box.y, width: box.width, height: box.height } });
        }}
      />
      <Handles connectable={isConnectable} />
      <div className="canvas-network-label">
        <span className="canvas-network-kind">{info.label}</span>
        <span className="canvas-network-name">{data.name}</span>
        <span className="canvas-network-detail">{data.details.join(', ')}</span>
        <Problems data={data} />
      </div>
    </div>
  );
});

const FabricNodeView = memo(function FabricNodeView({ data, selected }: NodeProps<FabricNode>) {
  const info = KIND_INFO[data.kind];
  return (
    <div className={`canvas-fabric kind-${data.kind}${selected ? ' is-selected' : ''}`} title={info.label}>
      <Handles connectable={false} />
      <span className="canvas-node-icon" aria-hidden="true">
        {info.glyph}
      </span>
      <div className="canvas-node-name">{data.name}</div>
      {data.details.map((line) => (
        <div key={line} className="canvas-node-detail">
          {line}
        </div>
      ))}
    </div>
  );
});

export const nodeTypes: NodeTypes = {
  element: ElementNodeView,
  network: NetworkNodeView,
  fabric: FabricNodeView,
};
