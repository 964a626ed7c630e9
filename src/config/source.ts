/**
 * Where a path of the parsed value was written in the source text, from the YAML parser's
 * node ranges (JSON files go through the same parser, being YAML).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Issue, Path } from './issues';

export interface Position {
  readonly line: number;
  readonly col: number;
}

const START: Position = { line: 1, col: 1 };

function pairFor(map: Node, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isPair(pair) && String(isScalar(pair.key) ? pair.key.value : pair.key) === String(key));
}

/** The deepest node along `path`, the pair that holds it when the last step is a key, and how deep it got. */
function walk(root: Node | null, path: Path): { node: Node | null; pair?: Pair; depth: number } {
  let node: Node | null = root;
  let pair: Pair | undefined;
  let depth = 0;
  for (const step of path) {
    if (node === null || isAlias(node)) break;
    let next: Node | null | undefined;
    let nextPair: Pair | undefined;
    if (isSeq(node) && typeof step === 'number') next = node.items[step] as Node | undefined;
    else if ((nextPair = pairFor(node, step)) !== undefined) next = (nextPair.value as Node | null) ?? (nextPair.key as Node | null);
    if (next === undefined || next === null) break;
    node = next;
    pair = nextPair;
    depth++;
  }
  return pair === undefined ? { node, depth } : { node, pair, depth };
}

function rangeStart(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

/**
 * Line and column (1-based) of an issue: its value, or its key for unknown keys, or the
 * nearest mapping that exists when the key is missing.
 */
export function locate(doc: Document, lineCounter: LineCounter, issue: Issue): Position {
  const { node, pair, depth } = walk(doc.contents as Node | null, issue.path);
  const whole = depth === issue.path.length;
  const target = whole && issue.at === 'key' && pair !== undefined ? (pair.key as Node | null) : node;
  const offset = rangeStart(target);
  return offset === undefined ? START : lineCounter.linePos(offset);
}
