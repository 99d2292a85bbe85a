import { describe, expect, it } from 'vitest';
import { foldWords, foldWordsUnicode, queryToken, wordTokens } from './normalize.js';

describe('word folding and tokens', () => {
  it("the ASCII fast path gives the general path's words for every ASCII string", () => {
    let x = 7;
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = n % 40;
      for (let i = 0; i < len; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        s += String.fromCharCode(x % 128);
      }
      expect(foldWords(s)).toEqual(foldWordsUnicode(s));
    }
    expect(foldWords("Zoë O'Brien-Núñez")).toEqual(['zoe', 'o', 'brien', 'nunez']);
  });

  it('cuts prefixes by code point, also beyond the BMP', () => {
    expect(wordTokens('johnny')).toEqual(['jo', 'joh', 'john', 'johnny']);
    expect(wordTokens('𝒜𝒷𝒸𝒹𝑒𝒻𝑔')).toEqual(['𝒜𝒷', '𝒜𝒷𝒸', '𝒜𝒷𝒸𝒹', '𝒜𝒷𝒸𝒹𝑒𝒻']);
    expect(queryToken('𝒜𝒷𝒸𝒹𝑒')).toBe('𝒜𝒷𝒸𝒹');
    expect(queryToken('annabel')).toBe('annabe');
  });
});
