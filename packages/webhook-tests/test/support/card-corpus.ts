import { CARD_NUMBER_CORPUS } from '@mastercom/contracts/fixtures';

/** `digits` cut into groups of `sizes` (cycled) joined by `separators` (cycled). */
function grouped(digits: string, sizes: readonly number[], separators: readonly string[]): string {
  let text = '';
  for (let at = 0, i = 0; at < digits.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 4;
    if (at > 0) text += separators[(i - 1) % separators.length] ?? ' ';
    text += digits.slice(at, at + size);
    at += size;
  }
  return text;
}

/** Every way the corpus writes a card number in text: plain, each separator kind, mixes. */
export const WRITINGS: readonly { name: string; write: (digits: string) => string }[] = [
  { name: 'plain', write: (digits) => digits },
  { name: 'spaces', write: (digits) => grouped(digits, [4], [' ']) },
  { name: 'dashes', write: (digits) => grouped(digits, [4], ['-']) },
  { name: 'dots', write: (digits) => grouped(digits, [4], ['.']) },
  { name: 'slashes', write: (digits) => grouped(digits, [4], ['/']) },
  { name: 'mixed, repeated', write: (digits) => grouped(digits, [4, 6, 5], [' - ', '..', ' // ']) },
  { name: 'line breaks and tabs', write: (digits) => grouped(digits, [3], ['\n', '\t', '\r\n']) },
  {
    name: 'unicode spaces and dashes, underscores, backslashes',
    write: (digits) => grouped(digits, [5, 2], ['\u00a0', '\u2013', '_', '\\']),
  },
];

export const CARDS: readonly string[] = CARD_NUMBER_CORPUS.map((card) => card.number);

/** Every card written every way: the texts the corpus puts into every free-text field. */
export const WRITTEN: readonly { card: string; how: string; text: string }[] = CARDS.flatMap(
  (card) => WRITINGS.map(({ name, write }) => ({ card, how: name, text: write(card) })),
);

/** The writings of one card that fit on one line (a multipart file name cannot break lines). */
export function oneLineWritings(card: string): string[] {
  return WRITINGS.filter(({ name }) => name !== 'line breaks and tabs').map(({ write }) =>
    write(card),
  );
}
