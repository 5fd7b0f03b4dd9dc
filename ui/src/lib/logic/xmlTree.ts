// The XML outline arrives flat, in document order, each node with its depth; the tree view nests it.

export interface OutlineNodeLike {
  depth: number;
}

export interface TreeNode<T> {
  id: number;
  node: T;
  children: TreeNode<T>[];
}

/** Nests `nodes` under the nearest shallower node before each; a node deeper than its parent + 1 (the outline
 * skipped hidden levels) still lands under that parent. */
export function nestOutline<T extends OutlineNodeLike>(nodes: T[]): TreeNode<T>[] {
  const roots: TreeNode<T>[] = [];
  const open: { depth: number; tree: TreeNode<T> }[] = [];
  nodes.forEach((node, id) => {
    const tree: TreeNode<T> = { id, node, children: [] };
    while (open.length && open[open.length - 1].depth >= node.depth) open.pop();
    (open.length ? open[open.length - 1].tree.children : roots).push(tree);
    open.push({ depth: node.depth, tree });
  });
  return roots;
}
