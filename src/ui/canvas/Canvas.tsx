import {
  Background,
  BackgroundVariant,
  Controls,
  type EdgeMouseHandler,
  type NodeMouseHandler,
  ReactFlow,
} from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import { useAppStore } from '../store';
import { nodeTypes } from './nodes';
import { type CanvasEdge, type CanvasNode, toFlow } from './toFlow';

const FIT_VIEW_OPTIONS = { padding: 0.08, maxZoom: 1.25 };

/**
 * The scenario drawn read-only: a controlled `<ReactFlow>` whose nodes and edges are derived from
 * the document on every change (toFlow), with the selection laid on top. Moving and connecting
 * arrive with the editor (issue 5).
 */
export function Canvas() {
  const scenario = useAppStore((s) => s.scenario);
  const selection = useAppStore((s) => s.selection);
  const revision = useAppStore((s) => s.revision);
  const select = useAppStore((s) => s.select);

  const flow = useMemo(() => toFlow(scenario), [scenario]);
  const nodes = useMemo<CanvasNode[]>(
    () => flow.nodes.map((n) => (n.id === selection ? { ...n, selected: true } : n)),
    [flow, selection],
  );
  const edges = useMemo<CanvasEdge[]>(
    () => flow.edges.map((e) => (e.id === selection ? { ...e, selected: true } : e)),
    [flow, selection],
  );

  const onNodeClick = useCallback<NodeMouseHandler<CanvasNode>>((_event, node) => select(node.id), [select]);
  // Only a load-balancing rule is an element of its own; the other edges are relations.
  const onEdgeClick = useCallback<EdgeMouseHandler<CanvasEdge>>(
    (_event, edge) => select(edge.id.startsWith('rule:') ? edge.id : null),
    [select],
  );
  const onPaneClick = useCallback(() => select(null), [select]);

  return (
    <div className="canvas">
      <ReactFlow<CanvasNode, CanvasEdge>
        // A different document is a fresh view: remount so that fitView frames it.
        key={revision}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onPaneClick={onPaneClick}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesReconnectable={false}
        deleteKeyCode={null}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
