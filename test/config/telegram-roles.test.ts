import { HEADER, SCHEDULE, problemsOf, specOf } from './helpers';

const campaign = (roles: string) => `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 3 }
roles:
${roles}
categories:
  - id: one
    title: One
`;

describe('Telegram roles in a campaign file', () => {
  it('accepts Telegram user ids and "admins" (the administrators of the campaign\'s chats)', () => {
    const spec = specOf(campaign('  curators: { telegram: ["123456789", "admins"] }\n  managers: { telegram: ["admins"] }'));
    expect(spec.roles.curators.telegram).toEqual(['123456789', 'admins']);
    expect(spec.roles.managers.telegram).toEqual(['admins']);
  });

  it('refuses anything else, naming both forms', () => {
    const [problem] = problemsOf(campaign('  managers: { telegram: ["@norman"] }'));
    expect(problem).toMatchObject({ path: 'roles.managers.telegram.0' });
    expect(problem!.message).toContain('a Telegram user id (digits only, in quotes)');
    expect(problem!.message).toContain('"admins" for the administrators of the chat');
    expect(problemsOf(campaign('  curators: { telegram: ["Admins"] }'))).toHaveLength(1);
  });
});
