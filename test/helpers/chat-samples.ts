/** Sample uses of the chat catalogue's forms, for tests that walk every catalogued command. */
import type { TextForm } from '../../src/chat/catalogue';
import { parseSlot, type OptionName, type Slot } from '../../src/chat/options';

/** A sample value of each option, as typed (a proposal id, a category of the test campaigns, a fan id…). */
export const SAMPLE: { readonly [O in OptionName]: string } = {
  campaign: 'demo', category: 'one', proposal: '1', choice: '1,2', duration: 'PT2H', fan: '123', reason: 'spam',
  text: 'An idea', confirm: 'confirm', mine: 'mine', name: 'alice', role: 'curator', word: 'demo',
};

/** A line that uses `form` with every option it takes (two values for a repeated one). */
export function sampleLine(form: TextForm): string {
  const words = form.args.map((slot: Slot) => {
    const { option, repeated } = parseSlot(slot);
    return repeated ? `${SAMPLE[option]} 2` : SAMPLE[option];
  });
  return [`/${form.verb}`, ...(form.sub ? [form.sub] : []), ...words].join(' ');
}
