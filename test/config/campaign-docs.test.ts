// The campaign-file reference is generated from the zod schema (scripts/campaign-docs.ts): it
// must be current, and the schema must describe every key it documents.
import { readFileSync } from 'node:fs';
import { campaignFileSchema } from '../../src/config/schema';
import { DEFAULT_PROPOSAL_RULES } from '../../src/model/campaign';
import {
  anchorOf,
  boundsOf,
  campaignJsonSchema,
  defaultOf,
  inline,
  REFERENCE_PATH,
  renderCampaignReference,
  typeOf,
  type SchemaNode,
} from '../../scripts/campaign-docs';

/** Every key of the schema with its path (`categories[].options`), forms included. */
function keysOf(node: SchemaNode, path: string): { path: string; node: SchemaNode }[] {
  const found: { path: string; node: SchemaNode }[] = [];
  for (const form of node.oneOf ?? node.anyOf ?? []) found.push(...keysOf(form, path));
  if (node.items) found.push(...keysOf(node.items, `${path}[]`));
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    found.push({ path: childPath, node: child }, ...keysOf(child, childPath));
  }
  return found;
}

describe('the campaign-file reference', () => {
  it('is current: docs/campaign-file.md is what `npm run docs` writes from the schema', () => {
    const written = readFileSync(REFERENCE_PATH, 'utf8');
    // On failure: run `npm run docs` and commit docs/campaign-file.md.
    expect(written === renderCampaignReference() ? 'current' : 'stale: run `npm run docs`').toBe('current');
  });

  it('gives every key of the schema a description', () => {
    const undescribed = keysOf(campaignJsonSchema(), '')
      .filter(({ node }) => !node.description?.trim())
      .map(({ path }) => path);
    expect(undescribed).toEqual([]);
  });

  it('gives every form of a key with several forms a description', () => {
    const forms = keysOf(campaignJsonSchema(), '').flatMap(({ path, node }) => (node.oneOf ?? []).map((form, i) => ({ path: `${path} form ${i}`, form })));
    expect(forms.length).toBeGreaterThan(0);
    expect(forms.filter(({ form }) => !form.description).map(({ path }) => path)).toEqual([]);
  });

  it('documents every key of the schema, with its type, default and bounds, or links to where it is', () => {
    const rows = new Map(
      renderCampaignReference()
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => [/^\| `([^`]+)` \|/.exec(l)?.[1], l.split(' | ')]),
    );
    /** The row of `path`, following a key that links to the section with the same keys. */
    const rowOf = (path: string): string[] | undefined => {
      const own = rows.get(path);
      if (own) return own;
      const parent = [...rows.keys()].filter((k) => k !== undefined && path.startsWith(`${k}.`)).sort((a, b) => b!.length - a!.length)[0];
      const target = parent === undefined ? undefined : /of \[`([^`]+)`\]\(#[^)]+\)\.$/.exec(rows.get(parent)?.at(-1)?.replace(/ \|$/, '') ?? '')?.[1];
      return target === undefined ? undefined : rowOf(`${target}${path.slice(parent!.length)}`);
    };
    for (const { path, node } of keysOf(campaignJsonSchema(), '')) {
      const cells = rowOf(path);
      expect({ path, documented: cells !== undefined }).toEqual({ path, documented: true });
      if (node.const === undefined) expect({ path, type: cells![1] }).toEqual({ path, type: typeOf(node).replace(/\|/g, '\\|') });
      expect({ path, bounds: cells![3] }).toEqual({ path, bounds: boundsOf(node) });
      expect(cells![2]).not.toBe('');
    }
  });

  it("shows a key's default from the model and its bounds from the schema", () => {
    const reference = renderCampaignReference();
    expect(reference).toContain(`| \`proposals.maxLength\` | whole number | \`${DEFAULT_PROPOSAL_RULES.maxLength}\` | 1 to 1,000 |`);
    expect(reference).toContain('| `categories[].options` | list of text | none | 2 to 25 entries |');
    expect(reference).toContain('| `categories` | list of mappings | required | 1 to 500 entries |');
  });

  it('links a key that takes the same keys as a section to that section instead of repeating them', () => {
    const reference = renderCampaignReference();
    expect(reference).toMatch(/\| `categories\[\]\.vote` \|.*The keys of \[`vote`\]\(#vote\)\. \|/);
    expect(reference).not.toContain('`categories[].vote.method`');
    expect(reference).toContain('`roles.managers.telegram`'); // two keys: spelt out again
  });

  it('shows the examples of the schema, and each is a valid value of its key', () => {
    const shape = campaignFileSchema.shape as Record<string, (typeof campaignFileSchema.shape)[keyof typeof campaignFileSchema.shape]>;
    let examples = 0;
    for (const [key, node] of Object.entries(campaignJsonSchema().properties ?? {})) {
      for (const example of node.examples ?? []) {
        examples++;
        const parsed = shape[key]!.safeParse(example);
        expect({ key, example, ok: parsed.success }).toEqual({ key, example, ok: true });
      }
    }
    expect(examples).toBeGreaterThan(10);
  });
});

describe('words of the reference', () => {
  it('writes values in YAML flow style, quoting what YAML would misread', () => {
    expect(inline({ by: 'curators', size: 5 })).toBe('{ by: curators, size: 5 }');
    expect(inline(['100000000000000001', '2026-03-02T09:00:00+01:00', 'a, b', '#fff'])).toBe(
      '["100000000000000001", "2026-03-02T09:00:00+01:00", "a, b", "#fff"]',
    );
    expect(inline({})).toBe('{}');
  });

  it('says required, none or the default of a key', () => {
    expect(defaultOf({ type: 'string' }, true)).toBe('required');
    expect(defaultOf({ type: 'string' }, false)).toBe('none');
    expect(defaultOf({ type: 'object', default: {} }, false)).toBe("each key's default");
    expect(defaultOf({ type: 'integer', default: 3 }, false)).toBe('`3`');
  });

  it('leaves out the bounds zod adds to every whole number', () => {
    expect(boundsOf({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER })).toBe('at least 1');
    expect(boundsOf({ type: 'boolean' })).toBe('—');
  });

  it("names headings' anchors as GitHub does", () => {
    expect(anchorOf('Eligibility: what each platform can tell')).toBe('eligibility-what-each-platform-can-tell');
    expect(anchorOf("Fans' data rights")).toBe('fans-data-rights');
  });
});
