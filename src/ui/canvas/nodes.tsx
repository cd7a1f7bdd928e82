/**
 * Custom node types, defined once at module scope and memoised (React Flow re-creates every node
 * when `nodeTypes` changes identity, and re-renders a node on every store tick unless memoised).
 */
import { Handle, type NodeProps, NodeResizer, type NodeTypes, Position } from '@xyflow/react';
import { memo } from 'react';
import { KIND_INFO, type KindInfo } from '../kinds';
import { useAppStore } from '../store';
import { fitsIn, fitText, NODE_FONTS, type NodeFont, textWidth } from './fitText';
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

/** Room for text in an element node: its width less the 4 px kind border, 1 px border and 9 px paddings. */
const textRoom = (width: number | undefined) => (width ?? 152) - 23;
/** A badge is its text, 5 px of padding each side, and 3 px apart from the next. */
const badgesWidth = (badges: readonly string[]) =>
  badges.reduce((sum, b) => sum + (textWidth(b, NODE_FONTS.badge) ?? 40) + 13, 0);

/**
 * A kind's caption in `room`: Azure's name when it fits, else the short one ("LB", "NSG"), so
 * that what an element is never ends in an ellipsis; the full name is in the caption's title.
 */
const kindCaption = (info: KindInfo, font: NodeFont, room: number): string =>
  fitsIn(info.label, font, room) ? info.label : fitText(info.short, font, room);

/**
 * An element: its kind, name and detail lines, each shortened to fit (fitText.ts: no per-line
 * clip), the full text in its title.
 */
const ElementNodeView = memo(function ElementNodeView({
  data,
  selected,
  isConnectable,
  width,
}: NodeProps<ElementNode>) {
  const info = KIND_INFO[data.kind];
  const room = textRoom(width);
  const kindRoom = data.badges === undefined ? room : room - badgesWidth(data.badges) - 2;
  return (
    <div
      className={`canvas-node kind-${data.kind}${selected ? ' is-selected' : ''}${data.badges !== undefined ? ' has-badges' : ''}`}
    >
      <Handles connectable={isConnectable} />
      <Problems data={data} />
      <div className="canvas-node-text">
        <div className="canvas-node-kind" title={info.label}>
          {kindCaption(info, NODE_FONTS.kind, kindRoom)}
        </div>
        <div className="canvas-node-name" title={data.name}>
          {fitText(data.name, NODE_FONTS.name, room)}
        </div>
        {data.details.map((line) => (
          <div key={line} className="canvas-node-detail" title={line}>
            {fitText(line, NODE_FONTS.detail, room)}
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
      <div className="canvas-network-label" title={[info.label, data.name, ...data.details].join(' ')}>
        <span className="canvas-network-kind">{info.label}</span>
        <span className="canvas-network-name">{data.name}</span>
        <span className="canvas-network-detail">{data.details.join(', ')}</span>
        <Problems data={data} />
      </div>
    </div>
  );
});

const FabricNodeView = memo(function FabricNodeView({ data, selected, width }: NodeProps<FabricNode>) {
  const info = KIND_INFO[data.kind];
  // The fabric's pill: 4 px padding and a 1 px border each side.
  const room = (width ?? 104) - 10;
  return (
    <div className={`canvas-fabric kind-${data.kind}${selected ? ' is-selected' : ''}`} title={info.label}>
      <Handles connectable={false} />
      <span className="canvas-node-icon" aria-hidden="true">
        {info.glyph}
      </span>
      <div className="canvas-node-name">
        {data.name === info.label
          ? kindCaption(info, NODE_FONTS.fabricName, room)
          : fitText(data.name, NODE_FONTS.fabricName, room)}
      </div>
      {data.details.map((line) => (
        <div key={line} className="canvas-node-detail">
          {fitText(line, NODE_FONTS.detail, room)}
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
