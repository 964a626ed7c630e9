/**
 * `npm run schema`: writes schema/campaign.schema.json from the zod schema of campaign files.
 * `npm run schema -- --check` exits 1 instead when the file is not current (test/config does
 * the same check in `npm test`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAMPAIGN_SCHEMA_PATH, campaignJsonSchemaText } from '../src/config/json-schema';

const path = join(__dirname, '..', CAMPAIGN_SCHEMA_PATH);
const text = campaignJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(path, 'utf8'); } catch { /* missing: not current */ }
  if (current !== text) {
    process.stderr.write(`${CAMPAIGN_SCHEMA_PATH} is not current: run npm run schema\n`);
    process.exit(1);
  }
  process.stdout.write(`${CAMPAIGN_SCHEMA_PATH} is current\n`);
} else {
  writeFileSync(path, text);
  process.stdout.write(`${CAMPAIGN_SCHEMA_PATH} written\n`);
}
