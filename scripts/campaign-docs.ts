/**
 * Writes docs/campaign-file.md, the key-by-key reference of the campaign file, from the zod
 * schema (src/config/schema.ts) through its JSON Schema: each key's description, type,
 * default and bounds, each section's longer text and examples. The prose around the
 * reference (writing values, the checks between keys) is scripts/campaign-file.template.md.
 *
 *   npm run docs            rewrites docs/campaign-file.md
 *   npm run docs -- --check exits 1 when docs/campaign-file.md is not current
 *
 * test/config/campaign-docs.test.ts runs the check, so `npm test` fails on a stale reference.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { campaignFileSchema } from '../src/config/schema';

export const REFERENCE_PATH = join(__dirname, '..', 'docs', 'campaign-file.md');
const TEMPLATE_PATH = join(__dirname, 'campaign-file.template.md');
const MARKER = '<!-- reference -->';

/** The part of JSON Schema that z.toJSONSchema writes for the campaign file. */
export interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
  readonly anyOf?: readonly SchemaNode[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly title?: string;
  readonly description?: string;
  readonly examples?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly format?: string;
}

/** The campaign file's JSON Schema, as an author writes the file (defaults may be left out). */
export function campaignJsonSchema(): SchemaNode {
  return z.toJSONSchema(campaignFileSchema, { io: 'input' }) as SchemaNode;
}

// ---- words for types, defaults and bounds ----------------------------------------------------

const PLURALS: Readonly<Record<string, string>> = {
  mapping: 'mappings',
  id: 'ids',
  'Discord id': 'Discord ids',
  'Telegram user id': 'Telegram user ids',
  'Telegram user id or `admins`': 'Telegram user ids or `admins`',
  'Telegram chat id': 'Telegram chat ids',
  colour: 'colours',
  duration: 'durations',
  instant: 'instants',
  'whole number': 'whole numbers',
};

function options(node: SchemaNode): readonly SchemaNode[] | undefined {
  return node.oneOf ?? node.anyOf;
}

function words(values: readonly string[], conjunction = 'or'): string {
  return values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} ${conjunction} ${values.at(-1)}`;
}

/** How the reference names the type of a value. */
export function typeOf(node: SchemaNode): string {
  const choices = options(node);
  if (choices) return choices.every((c) => c.type === 'object') ? 'mapping' : words(choices.map(typeOf));
  if (node.const !== undefined) return code(inline(node.const));
  if (node.enum) return words(node.enum.map((v) => code(inline(v))));
  switch (node.type) {
    case 'string':
      return node.title ?? 'text';
    case 'integer':
      return 'whole number';
    case 'number':
      return 'number';
    case 'boolean':
      return '`true` or `false`';
    case 'object':
      return 'mapping';
    case 'array': {
      const item = node.items ? typeOf(node.items) : 'values';
      return `list of ${PLURALS[item] ?? item}`;
    }
    default:
      throw new Error(`campaign docs: no word for a value of type ${String(node.type)}`);
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** The default the reference shows: the value, `required`, or `none` when leaving it out means no value. */
export function defaultOf(node: SchemaNode, required: boolean): string {
  if (node.default !== undefined) return isEmptyObject(node.default) ? "each key's default" : code(inline(node.default));
  return required ? 'required' : 'none';
}

const number = (n: number) => n.toLocaleString('en-US');
const unbounded = (n: number | undefined) => n === undefined || Math.abs(n) >= Number.MAX_SAFE_INTEGER;

/** `1 to 25 entries`, `at least 1 entry`…; `unit` is singular and plural, or nothing. */
function range(min: number | undefined, max: number | undefined, unit?: readonly [string, string]): string | undefined {
  const lo = unbounded(min) ? undefined : min;
  const hi = unbounded(max) ? undefined : max;
  const of = (n: number) => (unit ? ` ${n === 1 ? unit[0] : unit[1]}` : '');
  if (lo !== undefined && hi !== undefined) return `${number(lo)} to ${number(hi)}${of(hi)}`;
  if (lo !== undefined) return `at least ${number(lo)}${of(lo)}`;
  if (hi !== undefined) return `at most ${number(hi)}${of(hi)}`;
  return undefined;
}

const CHARACTERS = ['character', 'characters'] as const;
const ENTRIES = ['entry', 'entries'] as const;

/** The bounds the schema checks on the value itself (rules between keys are in the descriptions). */
export function boundsOf(node: SchemaNode): string {
  const parts: string[] = [];
  if (node.type === 'integer' || node.type === 'number') parts.push(range(node.minimum, node.maximum) ?? '');
  if (node.type === 'string') {
    if (node.minLength === 1 && node.maxLength !== undefined) parts.push(`not blank, at most ${number(node.maxLength)} characters`);
    else parts.push(range(node.minLength, node.maxLength, CHARACTERS) ?? '');
    if (node.pattern !== undefined) parts.push(`matches ${code(node.pattern)}`);
    if (node.format === 'duration') parts.push('ISO 8601, longer than zero');
    if (node.format === 'date-time') parts.push('ISO 8601, with its offset');
  }
  if (node.type === 'array') parts.push(range(node.minItems, node.maxItems, ENTRIES) ?? '');
  const text = parts.filter((p) => p !== '').join('; ');
  return text === '' ? '—' : text;
}

// ---- YAML for defaults and examples ----------------------------------------------------------

const FLOW_SPECIAL = /[,[\]{}#]|: |^\d{4}-\d{2}-\d{2}/;

function scalar(value: unknown): string {
  if (typeof value === 'string' && FLOW_SPECIAL.test(value)) return JSON.stringify(value);
  return stringify(value).trimEnd();
}

/** A value in YAML flow style, on one line: `{ by: curators, size: 5 }`. */
export function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return scalar(value);
}

const WIDTH = 100;

/** `key: value` in YAML: on one line when it fits, else block style with flow-style leaves. */
function yamlEntry(key: string, value: unknown, indent: string): string[] {
  const one = `${indent}${key}: ${inline(value)}`;
  if (one.length <= WIDTH || typeof value !== 'object' || value === null) return [one];
  return [`${indent}${key}:`, ...yamlBody(value, `${indent}  `)];
}

function yamlBody(value: object, indent: string): string[] {
  if (!Array.isArray(value)) return Object.entries(value).flatMap(([k, v]) => yamlEntry(k, v, indent));
  return value.flatMap((item: unknown) => {
    const one = `${indent}- ${inline(item)}`;
    if (one.length <= WIDTH || typeof item !== 'object' || item === null) return [one];
    const [first, ...rest] = yamlBody(item, `${indent}  `);
    return [`${indent}- ${(first ?? '').trimStart()}`, ...rest];
  });
}

// ---- tables ----------------------------------------------------------------------------------

const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const cell = (text: string) => text.replace(/\n+/g, ' ').replace(/\|/g, '\\|');

interface Row {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly bounds: string;
  readonly meaning: string;
}

function table(rows: readonly Row[]): string[] {
  return [
    '| key | type | default | bounds | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[code(r.key), r.type, r.default, r.bounds, r.meaning].map(cell).join(' | ')} |`),
  ];
}

/** The anchor GitHub gives a heading. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** A description's first paragraph: the key's meaning in a table. */
function summary(node: SchemaNode): string | undefined {
  return node.description?.split(/\n\s*\n/, 1)[0];
}

/** The paragraphs after the first: the text of the key's section. */
function more(node: SchemaNode): string | undefined {
  const rest = node.description
    ?.split(/\n\s*\n/)
    .slice(1)
    .join('\n\n');
  return rest === undefined || rest === '' ? undefined : rest;
}

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default']);

/** The node without its own annotations: what two keys share when they take the same value. */
function shape(node: SchemaNode): string {
  return JSON.stringify(Object.fromEntries(Object.entries(node).filter(([k]) => !ANNOTATIONS.has(k))));
}

/** An object or a set of forms already documented, to which a key with the same value links. */
interface Documented {
  readonly path: string;
  readonly anchor: string;
  readonly node: SchemaNode;
}

/** Objects with fewer keys are spelt out again rather than linked. */
const LINK_FROM_KEYS = 3;

class Reference {
  private readonly documented: Documented[] = [];

  constructor(private readonly root: SchemaNode) {}

  render(): string {
    const props = this.root.properties ?? {};
    const sections = Object.entries(props).filter(([, node]) => this.hasSection(node));
    const out: string[] = ['## Keys of the campaign', ''];
    out.push(
      ...table(
        Object.entries(props).map(([key, node]) => {
          const own = this.hasSection(node) ? ` See [${key}](#${anchorOf(key)}).` : '';
          return this.row(key, node, this.root.required?.includes(key) ?? false, own);
        }),
      ),
    );
    for (const [key, node] of sections) out.push('', ...this.section(key, node));
    return out.join('\n');
  }

  private hasSection(node: SchemaNode): boolean {
    return node.type === 'object' || node.items?.type === 'object' || options(node) !== undefined || more(node) !== undefined;
  }

  private row(key: string, node: SchemaNode, required: boolean, link = ''): Row {
    const meaning = summary(node);
    if (meaning === undefined) throw new Error(`campaign docs: \`${key}\` has no description: add .describe() or .meta() to it in src/config/schema.ts`);
    return { key, type: typeOf(node), default: defaultOf(node, required), bounds: boundsOf(node), meaning: `${meaning}${link}` };
  }

  private section(key: string, node: SchemaNode): string[] {
    const out = [`### ${key}`, ''];
    const text = more(node);
    if (text !== undefined) out.push(text, '');
    const rows: Row[] = [];
    const forms = this.expand(key, node, rows, anchorOf(key));
    if (forms.length > 0) out.push(...forms, '');
    if (rows.length > 0) out.push(...table(rows), '');
    for (const example of node.examples ?? []) out.push('```yaml', ...yamlEntry(key, example, ''), '```', '');
    return out.slice(0, -1);
  }

  /** Rows for the keys inside `node` (at `path`); returns a table of forms when `node` has several. */
  private expand(path: string, node: SchemaNode, rows: Row[], anchor: string): string[] {
    const choices = options(node);
    if (choices) {
      this.documented.push({ path, anchor, node });
      return this.forms(path, choices, rows);
    }
    if (node.type === 'array' && node.items?.type === 'object') this.keys(`${path}[]`, node.items, rows, anchor);
    else if (node.type === 'object') this.keys(path, node, rows, anchor);
    return [];
  }

  private keys(path: string, node: SchemaNode, rows: Row[], anchor: string): void {
    this.documented.push({ path, anchor, node });
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const childPath = `${path}.${key}`;
      const same = this.sameAs(child);
      rows.push(this.row(childPath, child, node.required?.includes(key) ?? false, same ? ` ${this.linkTo(same, child)}` : ''));
      if (!same) this.expand(childPath, child, rows, anchor);
    }
  }

  /** A table of the forms of a value with several forms, and rows for the union of their keys. */
  private forms(path: string, choices: readonly SchemaNode[], rows: Row[]): string[] {
    const tag = Object.keys(choices[0]?.properties ?? {}).find((k) => choices.every((c) => c.properties?.[k]?.const !== undefined));
    if (tag === undefined) throw new Error(`campaign docs: the forms of \`${path}\` share no key that tells them apart`);
    const formOf = (c: SchemaNode) => `${tag}: ${inline(c.properties?.[tag]?.const)}`;
    const out = ['Exactly one of these forms:', '', '| form | meaning |', '| --- | --- |'];
    for (const choice of choices) {
      const others = Object.keys(choice.properties ?? {})
        .filter((k) => k !== tag)
        .map((k) => (choice.required?.includes(k) ? k : `${k}?`));
      const form = `{ ${[formOf(choice), ...others].join(', ')} }`;
      if (choice.description === undefined) throw new Error(`campaign docs: the form ${form} of \`${path}\` has no description`);
      out.push(`| ${cell(code(form))} | ${cell(choice.description)} |`);
    }
    const names = [...new Set(choices.flatMap((c) => Object.keys(c.properties ?? {})))];
    for (const name of names) {
      const having = choices.filter((c) => c.properties?.[name] !== undefined);
      const first = having[0]!.properties![name]!;
      if (name !== tag && having.some((c) => shape(c.properties![name]!) !== shape(first)))
        throw new Error(`campaign docs: \`${path}.${name}\` differs between forms`);
      const requiredIn = having.filter((c) => c.required?.includes(name));
      const only = having.length < choices.length ? `Only with ${words(having.map((c) => code(formOf(c))))}. ` : '';
      const row = this.row(
        `${path}.${name}`,
        name === tag ? { ...first, const: undefined, enum: choices.map((c) => c.properties?.[tag]?.const) } : first,
        requiredIn.length > 0,
      );
      const required =
        requiredIn.length > 0 && requiredIn.length < having.length
          ? `required with ${words(requiredIn.map((c) => code(formOf(c))))}, else ${defaultOf(first, false)}`
          : row.default;
      rows.push({ ...row, default: required, meaning: `${only}${row.meaning}` });
    }
    return out;
  }

  /** An object (or set of forms) documented before whose keys include every key of `node`, alike. */
  private sameAs(node: SchemaNode): Documented | undefined {
    const choices = options(node);
    if (choices) return this.documented.find((d) => options(d.node) !== undefined && shape(d.node) === shape(node));
    const keys = Object.entries(node.properties ?? {});
    if (node.type !== 'object' || keys.length < LINK_FROM_KEYS) return undefined;
    return this.documented.find(
      (d) =>
        d.node !== node &&
        keys.every(([k, child]) => {
          const theirs = d.node.properties?.[k];
          return theirs !== undefined && JSON.stringify(theirs) === JSON.stringify(child);
        }),
    );
  }

  private linkTo(target: Documented, node: SchemaNode): string {
    const mine = Object.keys(node.properties ?? {});
    const theirs = Object.keys(target.node.properties ?? {});
    const all = options(node) !== undefined || mine.length === theirs.length;
    const which = all
      ? 'The keys'
      : `The keys ${words(
          mine.map((k) => code(k)),
          'and',
        )}`;
    return `${which} of [${code(target.path)}](#${target.anchor}).`;
  }
}

/** The Markdown of docs/campaign-file.md: the template with the reference in place of its marker. */
export function renderCampaignReference(schema: SchemaNode = campaignJsonSchema()): string {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');
  if (!template.includes(MARKER)) throw new Error(`campaign docs: ${TEMPLATE_PATH} has no ${MARKER} line`);
  const banner = '<!-- Generated by `npm run docs` from src/config/schema.ts and scripts/campaign-file.template.md: edit those, not this file. -->';
  return `${banner}\n\n${template.replace(MARKER, () => new Reference(schema).render())}`;
}

function main(argv: readonly string[]): number {
  const rendered = renderCampaignReference();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(REFERENCE_PATH, 'utf8');
    } catch {
      // absent: not current
    }
    if (current === rendered) return 0;
    process.stderr.write('docs/campaign-file.md is not current: run `npm run docs`\n');
    return 1;
  }
  writeFileSync(REFERENCE_PATH, rendered);
  process.stdout.write(`wrote ${REFERENCE_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
