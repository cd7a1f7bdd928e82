import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  MiniMap,
  type NodeChange,
  type OnConnect,
  type OnNodeDrag,
  ReactFlow,
  type ReactFlowState,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { type DragEvent, useCallback, useMemo, useRef } from 'react';
import { connect, connectionProblem, elementOfPath } from '../../scenario/edit';
import { RunOverlay } from '../playback/RunOverlay';
import { useAppStore } from '../store';
import { flowOf } from './edgeIndex';
import { boxesOf, keepInSubnets, PALETTE_MIME, placementAt } from './geometry';
import { nodeTypes } from './nodes';
import { useRefitOnResize } from './refit';
import { type CanvasEdge, type CanvasNode, type Flow, keepUnchanged } from './toFlow';

const FIT_VIEW_OPTIONS = { padding: 0.08, maxZoom: 1.25 };
/** Past this many nodes, the canvas draws plainer (see `busy` below). */
const BUSY = 120;
/** Below this zoom node text would be under 6 px: nodes are drawn as blocks (app.css `.is-far`). */
const FAR_ZOOM = 0.45;
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
/**
 * Below this canvas height (an analysis tab or presenter mode makes the bottom panel tall) or
 * width (a laptop of about 1,100 px) the minimap would cover a quarter or more of what is left,
 * and the playback bar too: it steps aside.
 */
const MINIMAP_MIN_CANVAS_HEIGHT = 440;
const MINIMAP_MIN_CANVAS_WIDTH = 720;
const roomForMinimap = (s: ReactFlowState) =>
  s.height >= MINIMAP_MIN_CANVAS_HEIGHT && s.width >= MINIMAP_MIN_CANVAS_WIDTH;

const MINIMAP_COLOR: { [kind: string]: string } = {
  vnet: '#d5eadb',
  subnet: '#e4f3e8',
  vm: '#0f6cbd',
  nic: '#4f5bd5',
  loopback: '#3a96dd',
  lb: '#7a4fc2',
  frontend: '#a43fb5',
  pool: '#0e7f66',
  probe: '#b7650b',
  client: '#475467',
  nsg: '#c4314b',
  routeTable: '#8a6a2f',
};
const MINIMAP_SIZE = { width: 168, height: 108 };
const minimapColor = (node: CanvasNode): string => MINIMAP_COLOR[node.data.kind] ?? '#98a2b3';

interface GroupDrag {
  readonly base: { x: number; y: number };
  readonly members: readonly { id: string; x: number; y: number }[];
}

/**
 * The scenario on a controlled `<ReactFlow>`: nodes and edges are derived from the document
 * (toFlow), then the selection, the drag overlay and validation counts are laid on top without
 * touching the nodes they do not change (React Flow skips a node whose object is the same).
 */
export function Canvas() {
  const scenario = useAppStore((s) => s.scenario);
  const selection = useAppStore((s) => s.selection);
  const dragging = useAppStore((s) => s.dragging);
  const diagnostics = useAppStore((s) => s.diagnostics);
  const revision = useAppStore((s) => s.revision);
  const viewer = useAppStore((s) => s.viewer);
  const { screenToFlowPosition } = useReactFlow();

  // Nodes and edges that an edit did not change keep their objects, so React Flow redraws only
  // what changed (a drag's commit, typing in the inspector) rather than every node.
  const previousFlow = useRef<Flow | null>(null);
  const flow = useMemo(() => {
    const next = keepUnchanged(previousFlow.current, flowOf(scenario));
    previousFlow.current = next;
    return next;
  }, [scenario]);
  const far = useStore(isFar);
  const showMinimap = useStore(roomForMinimap);
  const boxes = useMemo(() => boxesOf(flow.nodes), [flow]);

  const problems = useMemo(() => {
    const counts = new Map<string, { errors: number; warnings: number }>();
    const add = (path: string, key: 'errors' | 'warnings') => {
      const id = elementOfPath(scenario, path);
      if (id === null) return;
      const c = counts.get(id) ?? { errors: 0, warnings: 0 };
      c[key]++;
      counts.set(id, c);
    };
    for (const d of diagnostics.errors) add(d.path, 'errors');
    for (const d of diagnostics.warnings) add(d.path, 'warnings');
    return counts;
    // Diagnostics are about the document they were made for; paths are read against the current one.
  }, [diagnostics, scenario]);

  const selected = useMemo(() => new Set(selection), [selection]);
  const nodes = useMemo<CanvasNode[]>(
    () =>
      flow.nodes.map((n) => {
        const sel = selected.has(n.id);
        const moved = dragging?.get(n.id);
        const p = problems.get(n.id);
        if (!sel && moved === undefined && p === undefined) return n;
        return {
          ...n,
          selected: sel,
          ...(moved !== undefined
            ? {
                position: { x: moved.x, y: moved.y },
                ...(moved.width !== undefined
                  ? { width: moved.width, height: moved.height, measured: { width: moved.width, height: moved.height } }
                  : {}),
              }
            : {}),
          ...(p !== undefined ? { data: { ...n.data, errors: p.errors, warnings: p.warnings } } : {}),
        } as CanvasNode;
      }),
    [flow, selected, dragging, problems],
  );
  const edges = useMemo<CanvasEdge[]>(
    () => flow.edges.map((e) => (selected.has(e.id) ? { ...e, selected: true } : e)),
    [flow, selected],
  );

  // ---- selection and moves ----------------------------------------------------------------

  const groupDrags = useRef(new Map<string, GroupDrag>());

  const onNodeDragStart = useCallback<OnNodeDrag<CanvasNode>>(
    (_event, _node, dragged) => {
      groupDrags.current.clear();
      const moving = new Set(dragged.map((n) => n.id));
      for (const node of dragged) {
        if (node.type !== 'network') continue;
        const box = boxes.get(node.id);
        if (box === undefined) continue;
        // What lies inside a VNet or subnet moves with it: positions are absolute (docs/architecture.md).
        const members = flow.nodes
          .filter((n) => !moving.has(n.id) && n.id !== node.id)
          .filter((n) => {
            const b = boxes.get(n.id);
            return (
              b !== undefined &&
              b.x >= box.x &&
              b.y >= box.y &&
              b.x + b.width <= box.x + box.width &&
              b.y + b.height <= box.y + box.height
            );
          })
          .map((n) => ({ id: n.id, x: n.position.x, y: n.position.y }));
        groupDrags.current.set(node.id, { base: { x: box.x, y: box.y }, members });
      }
    },
    [boxes, flow],
  );

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    const store = useAppStore.getState();
    let overlay: Map<string, { x: number; y: number; width?: number; height?: number }> | null = null;
    let finished = false;
    let selection: Set<string> | null = null;
    for (const change of changes) {
      if (change.type === 'select') {
        selection ??= new Set(useAppStore.getState().selection);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      } else if (change.type === 'position' && change.dragging !== undefined) {
        overlay ??= new Map(store.dragging ?? []);
        if (change.position !== undefined) {
          const before = overlay.get(change.id);
          overlay.set(change.id, { ...before, x: change.position.x, y: change.position.y });
          const group = groupDrags.current.get(change.id);
          if (group !== undefined) {
            const dx = change.position.x - group.base.x;
            const dy = change.position.y - group.base.y;
            for (const m of group.members) overlay.set(m.id, { ...overlay.get(m.id), x: m.x + dx, y: m.y + dy });
          }
        }
        if (change.dragging === false) finished = true;
      }
    }
    if (selection !== null) store.select([...selection]);
    if (overlay !== null) {
      if (finished) {
        groupDrags.current.clear();
        store.commitLayout(Object.fromEntries(overlay));
      } else {
        store.setDragging(overlay);
      }
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<CanvasEdge>[]) => {
    let selection: Set<string> | null = null;
    for (const change of changes) {
      if (change.type !== 'select') continue;
      selection ??= new Set(useAppStore.getState().selection);
      if (change.selected) selection.add(change.id);
      else selection.delete(change.id);
    }
    if (selection !== null) useAppStore.getState().select([...selection]);
  }, []);

  // ---- connecting ---------------------------------------------------------------------------

  const connected = useRef(false);
  const isValidConnection = useCallback<IsValidConnection<CanvasEdge>>(
    (c) => connectionProblem(c.source, c.target) === null,
    [],
  );
  const onConnectStart = useCallback(() => {
    connected.current = false;
  }, []);
  const onConnect = useCallback<OnConnect>((c) => {
    connected.current = true;
    useAppStore.getState().apply((s) => connect(s, c.source, c.target), { select: 'result' });
  }, []);
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (connected.current || state.fromNode === null) return;
      // Dropped on a node but not on its handle, or refused: find the node under the pointer.
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      if (point === undefined) return;
      const at = screenToFlowPosition({ x: point.clientX, y: point.clientY });
      const target = state.toNode?.id ?? placementAt(boxes, flow.nodes, at, state.fromNode.id).hit;
      if (target === undefined || target === state.fromNode.id) return;
      const problem = connectionProblem(state.fromNode.id, target);
      if (problem !== null) {
        useAppStore.getState().showToast(problem, 'refused');
        return;
      }
      useAppStore.getState().apply((s) => connect(s, state.fromNode?.id ?? '', target), { select: 'result' });
    },
    [boxes, flow, screenToFlowPosition],
  );

  // ---- dropping palette items ---------------------------------------------------------------

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME);
      if (kind === '') return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const { placement } = placementAt(boxes, flow.nodes, at);
      // A VNet or subnet is dropped by its top-left corner (its label), an element by its middle.
      const group = kind === 'vnet' || kind === 'subnet';
      const position = group ? { x: Math.round(at.x - 40), y: Math.round(at.y - 16) } : placement.position;
      // Dropped near a subnet's edge, an element is drawn inside the subnet it joins.
      useAppStore
        .getState()
        .addElement(kind, { ...placement, ...(position !== undefined ? { position } : {}) }, (result) =>
          keepInSubnets(result, boxes),
        );
    },
    [boxes, flow, screenToFlowPosition],
  );

  // While the view pans or zooms, its layer is promoted so that a pan only moves pixels already
  // drawn (no repaint of every node per frame); afterwards it is drawn crisp again at its scale.
  const surface = useRef<HTMLDivElement>(null);
  const onMoveStart = useCallback(() => surface.current?.classList.add('is-moving'), []);
  const moveEnded = useRefitOnResize(FIT_VIEW_OPTIONS, revision);
  const onMoveEnd = useCallback(() => {
    surface.current?.classList.remove('is-moving');
    moveEnded();
  }, [moveEnded]);

  // On a big scenario, software-rendered frames go to what matters: no dotted background to
  // repaint on every pan, and plainer nodes and edges (app.css `.is-large`).
  const busy = flow.nodes.length > BUSY;
  return (
    <div ref={surface} className={`canvas${busy ? ' is-large' : ''}${far ? ' is-far' : ''}`}>
      <ReactFlow<CanvasNode, CanvasEdge>
        // A different document is a fresh view: remount so that fitView frames it.
        key={revision}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        onDragOver={onDragOver}
        onDrop={onDrop}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onNodeDragStart}
        onConnectStart={onConnectStart}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Loose}
        connectionRadius={28}
        nodesDraggable={!viewer}
        nodesConnectable={!viewer}
        edgesReconnectable={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        // Not onlyRenderVisibleElements: at the zoom that fits a big scenario every node is in view
        // anyway, and recomputing the visible set on each pan frame measured slower (bench/editor.bench.ts).
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        maxZoom={2}
      >
        {!busy && <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />}
        <RunOverlay flow={flow} />
        <Controls showInteractive={false} />
        {showMinimap && (
          <MiniMap<CanvasNode>
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            ariaLabel="Minimap"
            style={MINIMAP_SIZE}
            className="canvas-minimap"
          />
        )}
      </ReactFlow>
    </div>
  );
}
