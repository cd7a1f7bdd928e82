/**
 * What a kind of element is, for the document: one descriptor per kind (kinds/<kind>.ts), listed
 * once in the registry (kinds/index.ts). Rename, delete, copy and paste, element ids and layout
 * keys read these fields instead of switching over kinds; what refers to a kind by name is in
 * references.ts. The canvas and palette look of a kind (glyph, colour, node) is the UI's, keyed
 * by the same id (ui/kinds.ts), and its validation rules are in rules/<kind>.ts.
 */
import type { EditResult, Placement } from '../draft';
import type { ObjectSchema } from '../schema';
import type { Scenario } from '../types';

/** One item of the palette: what it adds and how it is named. */
export interface PaletteEntry {
  /** The accessible name (issue 5 item 1 names them; tests find items by it). */
  readonly label: string;
  readonly description: string;
}

/** What an `add` may call back: adding another element (a pool dropped where no load balancer is makes one). */
export interface AddContext {
  readonly add: (s: Scenario, entry: string, placement: Placement) => EditResult;
}

export interface KindDescriptor {
  /** The id's prefix: `vm` in `vm:web01`. */
  readonly kind: string;
  /** Its shape in the document (schema.ts); `schema.label` is the kind's name in diagnostics. */
  readonly schema: ObjectSchema;
  /** The kind's name in the editor's sentences and the UI, when shorter than the schema's. */
  readonly label?: string;
  /** The list that holds its elements: a key of the document, or of its parent's element. */
  readonly list: string;
  /** The kind of the element whose list holds it. */
  readonly parent?: string;
  /**
   * Where its name is unique: in its parent (its id names the parent: `subnet:spoke/web`, and
   * references write it after the parent's name) or in the whole document (`nic:web01-nic1`).
   */
  readonly scope: 'parent' | 'document';
  /**
   * How the canvas shows it: a node, a group (VNets and subnets hold what is drawn in them), an
   * edge (a load-balancing rule joins its frontend and pool), or not at all (rows of the
   * inspector, and traffic, which has no element id on the canvas).
   */
  readonly canvas: 'node' | 'group' | 'edge' | 'row' | 'none';
  /**
   * The edge the canvas draws from its parent's node to its own: `owner` (a load balancer's
   * frontends, pools and probes), `attached` (a VM's NICs and loopbacks, drawn to the VM).
   */
  readonly parentEdge?: 'owner' | 'attached';
  /** Elements sit in it by address (a NIC in a subnet): deleting it deletes them, and what is left empty by that. */
  readonly container?: true;
  /** A parent cannot lose the last of these (a VM its NIC): the refusal, given the parent's name. */
  readonly lastOne?: (parent: string) => string;
  /** What the palette offers for this kind, by entry id (`vm`, and its `proxy` variant). */
  readonly palette?: { readonly [entry: string]: PaletteEntry };
  /**
   * Adds a new element for a palette entry of this kind: a unique name, Azure's defaults
   * (written nowhere), a free address where it needs one, a layout entry at the placement.
   */
  readonly add?: (s: Scenario, entry: string, placement: Placement, context: AddContext) => EditResult;
}
