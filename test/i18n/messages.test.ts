import { REFUSAL_CODES } from '../../src/model/refusals';
import { CATALOGS, formatDate, messageTokens, t, type MessageKey } from '../../src/i18n/messages';

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
const keys = (locale: 'fr' | 'en'): string[] => Object.keys(CATALOGS[locale]).sort();

describe('message catalogs', () => {
  it('have exactly the same keys in fr and en', () => {
    expect(keys('fr')).toEqual(keys('en'));
  });

  it('have the same placeholders in fr and en for every key', () => {
    for (const key of keys('en') as MessageKey[]) {
      expect({ key, placeholders: placeholders(CATALOGS.fr[key]) }).toEqual({ key, placeholders: placeholders(CATALOGS.en[key]) });
    }
  });

  it('have a message for every refusal code, in both locales', () => {
    for (const code of REFUSAL_CODES) {
      expect(CATALOGS.en[code]?.length).toBeGreaterThan(10);
      expect(CATALOGS.fr[code]?.length).toBeGreaterThan(10);
    }
  });

  it('use braces only for placeholders and never leave a message empty', () => {
    for (const locale of ['fr', 'en'] as const) {
      for (const [key, template] of Object.entries(CATALOGS[locale])) {
        expect({ key, rest: template.replace(/\{\w+\}/g, '').replace(/[^{}]/g, '') }).toEqual({ key, rest: '' });
        expect(template.trim()).not.toBe('');
      }
    }
  });

  it('tells the fan to try again, safely, when the store could not confirm', () => {
    expect(t('en', 'store.unavailable')).toBe('We could not confirm that right now. Please try again in a moment: trying again is safe, nothing is ever counted twice.');
    expect(t('fr', 'store.unavailable')).toMatch(/réessayer sans crainte/);
  });
});

describe('t', () => {
  it('fills placeholders and writes numbers the locale’s way', () => {
    expect(t('en', 'proposal.too-long', { max: 280 })).toBe('Your idea is too long: 280 characters at most.');
    expect(t('fr', 'proposal.too-long', { max: 280 })).toBe('Ton idée est trop longue : 280 caractères au maximum.');
    expect(t('en', 'reply.like', { id: '7', likes: 1234 })).toBe('You like idea #7. Likes: 1,234.');
    expect(t('fr', 'reply.like', { id: '7', likes: 1234 })).toMatch(/J’aime : 1\s234\./u);
  });

  it('cuts templates into text and placeholders', () => {
    expect(messageTokens('en', 'proposal.too-short')).toEqual(['Your idea is too short: ', { placeholder: 'min' }, ' characters at least.']);
  });

  it('types keys and parameters', () => {
    // Never run: these lines only have to fail to compile (checked by tsc).
    const compileOnly = (): void => {
      // @ts-expect-error unknown key
      t('en', 'no.such.key');
      // @ts-expect-error missing parameter
      t('en', 'proposal.too-long');
      // @ts-expect-error wrong parameter name
      t('en', 'proposal.too-long', { min: 3 });
      t('en', 'like.own');
    };
    expect(typeof compileOnly).toBe('function');
  });
});

describe('formatDate', () => {
  const late = Date.UTC(2013, 1, 18, 23, 30);

  it('writes UTC instants in the locale, with the zone shown', () => {
    expect(formatDate(late, 'en')).toMatch(/February 18, 2013.*11:30\sPM UTC/u);
    expect(formatDate(late, 'fr')).toMatch(/18 février 2013.*23:30 UTC/u);
  });

  it('does not depend on the machine’s time zone', () => {
    const original = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(formatDate(late, 'fr')).toMatch(/18 février 2013.*23:30 UTC/u);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});
