import type { NativeProfileEvent } from '../native/types.js';

/** A CPU event (operator or scope) with its place in its thread's call nesting. */
export interface TimedNode {
  event: NativeProfileEvent;
  parent?: TimedNode;
  /** Its own time: duration minus the durations of the events directly inside it. */
  selfUs: number;
  /** The innermost enclosing engine scope (itself when it is one). */
  scope?: TimedNode;
}

const endUs = (e: NativeProfileEvent) => e.startUs + e.durationUs;
// Kineto rounds start/end to nanoseconds: a child may end a hair after its parent.
const SLACK_US = 0.01;

/** Rebuilds the nesting of the CPU events of every thread (libtorch records a flat list). */
export function buildEventTree(events: readonly NativeProfileEvent[]): TimedNode[] {
  const timed = events.filter((e) => e.kind === 'op' || e.kind === 'scope');
  const byThread = new Map<number, NativeProfileEvent[]>();
  for (const e of timed) {
    const list = byThread.get(e.thread) ?? [];
    list.push(e);
    byThread.set(e.thread, list);
  }
  const nodes: TimedNode[] = [];
  for (const list of byThread.values()) {
    list.sort((a, b) => a.startUs - b.startUs || b.durationUs - a.durationUs);
    const stack: TimedNode[] = [];
    for (const event of list) {
      while (stack.length && endUs(stack[stack.length - 1]!.event) <= event.startUs + SLACK_US) stack.pop();
      const parent = stack[stack.length - 1];
      const node: TimedNode = { event, selfUs: event.durationUs };
      if (parent) {
        node.parent = parent;
        parent.selfUs -= event.durationUs;
      }
      node.scope = event.kind === 'scope' ? node : parent?.scope;
      nodes.push(node);
      stack.push(node);
    }
  }
  for (const n of nodes) n.selfUs = Math.max(0, n.selfUs);
  return nodes;
}

/** The nearest enclosing engine scope of a node (not the node itself). */
export function parentScope(node: TimedNode): TimedNode | undefined {
  return node.parent?.scope;
}
