import { parseTelegramHtml } from '../adapters/telegram/html';

describe('the fake Bot API\'s HTML parse mode, as strict as Telegram', () => {
  it('accepts Telegram\'s tags and entities', () => {
    expect(parseTelegramHtml('<b>bold</b> &lt;b&gt; &amp; &quot; &#64; <a href="tg://user?id=1">x</a>')).toEqual({
      ok: true,
      text: 'bold <b> & " @ x',
      entities: [{ type: 'bold', offset: 0, length: 4 }, { type: 'text_link', offset: 15, length: 1, url: 'tg://user?id=1' }],
    });
  });

  it.each([
    ['an unknown tag', '<script>x</script>'],
    ['an unclosed tag', '<b>bold'],
    ['a stray end tag', 'text</code>'],
    ['misnested tags', '<b><i>x</b></i>'],
    ['a bare ampersand', 'Tom & Jerry'],
    ['a bare <', '1 < 2'],
    ['a bare >', '2 > 1'],
    ['an unknown named entity', '&nbsp;'],
  ])('refuses %s', (_name, html) => {
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.description).toMatch(/^Bad Request: can't parse entities/);
  });
});
