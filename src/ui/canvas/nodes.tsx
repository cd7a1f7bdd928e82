/**
 * Custom node types, defined once at module scope and memoised (React Flow re-creates every node
 * when `nodeTypes` changes identity, and re-renders a node on every store tick unless memoised).
 */
import { Handle, type NodeProps, type NodeTypes, Position } from '@xyflow/react';
import { memo } from 'react';
import { KIND_INFO } from '../kinds';
import type { ElementNode, FabricNode, GroupNode } from './toFlow';

const SIDES = [
  ['top', Position.Top],
  ['right', Position.Right],
  ['bottom', Position.Bottom],
  ['left', Position.Left],
] as const;

/** A source and a target handle on every side: toFlow picks the pair that face each other. */
function Handles() {
  return (
    <>
      {SIDES.map(([side, position]) => (
        <Handle
          key={`s-${side}`}
          id={`s-${side}`}
          type="source"
          position={position}
          isConnectable={false}
          className="node-handle"
        />
      ))}
      {SIDES.map(([side, position]) => (
        <Handle
          key={`t-${side}`}
          id={`t-${side}`}
          type="target"
          position={position}
          isConnectable={false}
          className="node-handle"
        />
      ))}
    </>
  );
}

const ElementNodeView = memo(function ElementNodeView({ data, selected }: NodeProps<ElementNode>) {
  const info = KIND_INFO[data.kind];
  return (
    <div className={`canvas-node kind-${data.kind}${selected ? ' is-selected' : ''}`}>
      <Handles />
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
    </div>
  );
});

const NetworkNodeView = memo(function NetworkNodeView({ data, selected }: NodeProps<GroupNode>) {
  const info = KIND_INFO[data.kind];
  return (
    <div className={`canvas-network kind-${data.kind}${selected ? ' is-selected' : ''}`}>
      <Handles />
      <div className="canvas-network-label">
        <span className="canvas-network-kind">{info.label}</span>
        <span className="canvas-network-name">{data.name}</span>
        <span className="canvas-network-detail">{data.details.join(', ')}</span>
      </div>
    </div>
  );
});

const FabricNodeView = memo(function FabricNodeView({ data, selected }: NodeProps<FabricNode>) {
  const info = KIND_INFO[data.kind];
  return (
    <div className={`canvas-fabric kind-${data.kind}${selected ? ' is-selected' : ''}`} title={info.label}>
      <Handles />
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
