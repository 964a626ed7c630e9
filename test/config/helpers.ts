import { parseCampaignText, type LoadResult, type Problem } from '../../src/config/loader';

/** Removes the common indentation of a template literal and its first newline. */
export function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '\n').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** A small valid campaign; tests replace the parts they need. */
export const HEADER = `id: demo
title: Demo
locale: en
`;

export const SCHEDULE = `schedule:
  propose: { start: "2026-03-02T09:00:00+01:00", duration: P1W }
  shortlist: { duration: P2D }
  vote: { duration: P3D }
`;

export const VALID = `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 3 }
categories:
  - id: one
    title: One
`;

export function load(text: string, fileName = 'campaign.yaml'): LoadResult {
  return parseCampaignText(text, fileName);
}

export function problemsOf(text: string, fileName = 'campaign.yaml'): readonly Problem[] {
  const result = load(text, fileName);
  if (result.ok) throw new Error('expected problems, the campaign is valid');
  return result.problems;
}

export function specOf(text: string, fileName = 'campaign.yaml') {
  const result = load(text, fileName);
  if (!result.ok) throw new Error(`expected a valid campaign:\n${result.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`).join('\n')}`);
  return result.spec;
}

export const utc = (iso: string): number => Date.parse(iso);
