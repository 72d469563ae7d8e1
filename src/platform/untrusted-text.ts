// Untrusted text (SPEC §12): issue and comment text is data for the model, never instructions a
// reader could not see. Hidden content — HTML comments, invisible and bidirectional-control
// characters, Unicode tag characters — is stripped before the text goes anywhere.

/** Code point ranges a reader cannot see: [first, last], inclusive. */
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x0008], // C0 controls (tab and newline are kept)
  [0x000b, 0x001f],
  [0x007f, 0x009f], // DEL and C1 controls
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, joiners, direction marks
  [0x202a, 0x202e], // bidirectional embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates
  [0x3164, 0x3164], // Hangul filler
  [0xfeff, 0xfeff], // zero-width no-break space (BOM)
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotations
  [0xe0000, 0xe007f], // tag characters: invisible ASCII, a known smuggling channel
  [0xe0100, 0xe01ef], // variation selectors supplement
];

function isInvisible(codePoint: number): boolean {
  return INVISIBLE_RANGES.some(([first, last]) => codePoint >= first && codePoint <= last);
}

export interface SanitisedText {
  text: string;
  /** What was removed, for the log: e.g. ["2 HTML comments", "5 invisible characters"]. */
  removed: string[];
}

export function sanitiseUntrustedText(input: string): SanitisedText {
  const removed: string[] = [];
  let comments = 0;
  // An unterminated comment hides the rest of the text from a reader of the rendered issue.
  const uncommented = input.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?(?:-->|$)/g, () => {
    comments++;
    return '';
  });
  if (comments > 0) removed.push(`${comments} HTML comment${comments === 1 ? '' : 's'}`);
  let invisible = 0;
  let visible = '';
  for (const char of uncommented) {
    if (isInvisible(char.codePointAt(0) ?? 0)) invisible++;
    else visible += char;
  }
  if (invisible > 0) removed.push(`${invisible} invisible character${invisible === 1 ? '' : 's'}`);
  return {
    text: visible
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    removed,
  };
}
