/**
 * `src/config`: the campaign file (schema, loader, resolution to the engine's model) and the
 * environment of `cocreate run`.
 */
export { loadCampaignFile, parseCampaignText, formatProblem, CAMPAIGN_EXTENSIONS, MAX_FILE_BYTES, type Problem, type LoadResult } from './loader';
export { validateCampaign, type Validation } from './validate';
export { resolveCampaign } from './resolve';
export { loadEnv, loadDotenv, DEFAULT_CAMPAIGNS, LOG_LEVELS, type RunConfig, type EnvResult } from './env';
export {
  campaignFileSchema,
  ID_PATTERN,
  ID_MAX_LENGTH,
  MAX_CANDIDATES,
  MAX_CATEGORIES,
  MAX_PROPOSAL_LENGTH,
  type CampaignFile,
  type CampaignFileInput,
  type CategoryFile,
} from './schema';
export type { Issue, Path } from './issues';
