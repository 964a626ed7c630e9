/**
 * Problems found in a campaign file, before they get a line and a column: a path into the
 * parsed value and a plain-English message that says what was expected and what was found.
 */
import { z } from 'zod';

export type Path = readonly (string | number)[];

export interface Issue {
  readonly path: Path;
  readonly message: string;
  /** Point at the key itself rather than its value (unknown keys). */
  readonly at?: 'key';
}

/** The value found at `path` in `root`, or undefined when some step is missing. */
export function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') node = node[step];
    else if (isRecord(node)) node = Object.hasOwn(node, step) ? node[step] : undefined;
    else return undefined;
  }
  return node;
}

/** A plain mapping (not null, not a list). */
export function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it: `the number 3`, `"abc"`, `a list`… */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date, not text (a `!!timestamp` tag or an unquoted date made it one)';
  if (value instanceof Uint8Array) return 'binary data, not text (a `!!binary` tag made it so)';
  if (value instanceof Map || value instanceof Set) return 'a YAML set or ordered map (a `!!set`, `!!omap` or `!!pairs` tag)';
  return 'a mapping';
}

/** Removes repeated problems (a campaign-level key is checked once per category). */
export function uniqueIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path.join('.')}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of keys to values',
  array: 'a list',
};

function oneOf(values: readonly unknown[]): string {
  const words = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return words.length === 1 ? String(words[0]) : `one of ${words.join(', ')}`;
}

function hintFor(expected: string, found: unknown): string {
  if (expected === 'string' && (typeof found === 'number' || typeof found === 'boolean')) {
    return ` (write it in quotes: "${String(found)}")`;
  }
  if (expected === 'object' && found === null) return ' (write {} for an empty mapping)';
  if (expected === 'string' && found instanceof Date) return `: remove the tag and write it in quotes, such as "${found.toISOString().replace('.000Z', 'Z')}"`;
  if (expected === 'string' && found instanceof Uint8Array) return ': remove the tag and write the text itself, in quotes';
  return '';
}

function bound(issue: { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean }, found: unknown, integer: boolean): string {
  const small = issue.minimum !== undefined;
  const limit = Number(small ? issue.minimum : issue.maximum);
  const exact = issue.inclusive !== false;
  const word = small ? (exact ? 'at least' : 'more than') : exact ? 'at most' : 'less than';
  switch (issue.origin) {
    case 'string':
      return `expected ${word} ${limit} characters, found ${typeof found === 'string' ? found.length : describeValue(found)}`;
    case 'array':
      return `expected ${word} ${limit} ${limit === 1 ? 'entry' : 'entries'}, found ${Array.isArray(found) ? found.length : describeValue(found)}`;
    default:
      return `expected ${integer ? 'a whole number' : 'a number'} of ${word} ${limit}, found ${describeValue(found)}`;
  }
}

/** The schema that checks the value at `path`, following the schema the way zod did for `root`. */
export function schemaAt(schema: z.ZodType, path: Path, root: unknown): z.ZodType | undefined {
  let node: z.ZodType | undefined = unwrap(schema, root);
  for (const [i, step] of path.entries()) {
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(step)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return undefined;
    if (node !== undefined) node = unwrap(node, valueAt(root, path.slice(0, i + 1)));
  }
  return node;
}

/** Keys allowed in the mapping at `path`. */
export function allowedKeysAt(schema: z.ZodType, path: Path, root: unknown): string[] {
  const node = schemaAt(schema, path, root);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** Looks through optional/default wrappers and picks the union member the value selects. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  let node = schema;
  for (;;) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodNullable) {
      node = node.unwrap() as z.ZodType;
    } else if (node instanceof z.ZodDiscriminatedUnion) {
      const key = node.def.discriminator;
      const options = node.options as z.ZodType[];
      const chosen = options.find((option) => option instanceof z.ZodObject && literalOf(option, key) === valueAt(value, [key]));
      return chosen ?? node;
    } else {
      return node;
    }
  }
}

function literalOf(object: z.ZodObject, key: string): unknown {
  const field = (object.shape as Record<string, z.ZodType>)[key];
  return field instanceof z.ZodLiteral ? field.value : undefined;
}

/** The closest allowed key when `key` looks like a typo of it. */
function suggestion(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 4)) && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.length, b.length);
}

function unknownKeys(path: Path, keys: readonly string[], schema: z.ZodType, root: unknown): Issue[] {
  const allowed = allowedKeysAt(schema, path, root);
  return keys.map((key) => {
    const near = suggestion(key, allowed);
    const guess = near === undefined ? '' : ` (did you mean \`${near}\`?)`;
    const list = allowed.length === 0 ? '' : `; expected one of: ${allowed.join(', ')}`;
    return { path: [...path, key], at: 'key' as const, message: `unknown key \`${key}\`${guess}${list}` };
  });
}

function missing(path: Path, what: string): string {
  const key = path[path.length - 1];
  return key === undefined ? `the file is empty: expected a campaign (id, title, locale, categories…)` : `missing required key \`${String(key)}\`: expected ${what}`;
}

function isInteger(schema: z.ZodType, path: Path, root: unknown): boolean {
  const target = schemaAt(schema, path, root);
  return target instanceof z.ZodNumber && target.isInt;
}

type AnyIssue = z.core.$ZodIssue & { options?: readonly unknown[]; values?: readonly unknown[] };

function translate(issue: AnyIssue, path: Path, schema: z.ZodType, root: unknown): Issue[] {
  const found = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownKeys(path, issue.keys, schema, root);
    case 'invalid_type': {
      const expected = isInteger(schema, path, root) ? 'int' : issue.expected;
      const what = EXPECTED[expected] ?? expected;
      if (found === undefined || (found === null && path.length === 0)) return [{ path, message: missing(path, what) }];
      const where = path.length === 0 ? 'a campaign: a mapping of keys to values (id, title, locale, categories…)' : what;
      return [{ path, message: `expected ${where}, found ${describeValue(found)}${hintFor(issue.expected, found)}` }];
    }
    case 'invalid_union': {
      const choices = issue.options ?? [];
      if (choices.length === 0) break;
      return [{ path, message: found === undefined ? missing(path, oneOf(choices)) : `expected ${oneOf(choices)}, found ${describeValue(found)}` }];
    }
    case 'invalid_value':
      return [{ path, message: found === undefined ? missing(path, oneOf(issue.values)) : `expected ${oneOf(issue.values)}, found ${describeValue(found)}` }];
    case 'too_small':
    case 'too_big':
      return [{ path, message: bound(issue, found, isInteger(schema, path, root)) }];
    default:
      break;
  }
  return [{ path, message: issue.message }];
}

/**
 * Turns zod's issues into plain-English ones. `root` is the parsed input (to quote what was
 * found); `schema` is the one that produced the issues (to list the keys allowed where an
 * unknown key was found).
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, root: unknown): Issue[] {
  const paths = (issue: z.core.$ZodIssue): Path => issue.path.map((step) => (typeof step === 'symbol' ? String(step) : step));
  // zod 4 may run an array's or string's length check after a wrong type; keep the type error only.
  const wrongType = new Set(issues.filter((i) => i.code === 'invalid_type').map((i) => paths(i).join('.')));
  // Several bounds may fail on one value (1e308 is neither a safe integer nor at most 1000):
  // only the tightest is said, so that the lines never contradict each other.
  const tightest = new Map<string, z.core.$ZodIssue>();
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') continue;
    const key = `${paths(issue).join('.')}\u0000${issue.code}`;
    const kept = tightest.get(key);
    const limit = (i: z.core.$ZodIssue) => Number(i.code === 'too_big' ? i.maximum : i.code === 'too_small' ? i.minimum : 0);
    if (kept === undefined || (issue.code === 'too_big' ? limit(issue) < limit(kept) : limit(issue) > limit(kept))) tightest.set(key, issue);
  }
  const loose = (issue: z.core.$ZodIssue) =>
    (issue.code === 'too_big' || issue.code === 'too_small') && tightest.get(`${paths(issue).join('.')}\u0000${issue.code}`) !== issue;
  return issues
    .filter((issue) => issue.code === 'invalid_type' || !wrongType.has(paths(issue).join('.')))
    .filter((issue) => !loose(issue))
    .flatMap((issue) => translate(issue as AnyIssue, paths(issue), schema, root));
}
