import { describe, expect, it } from 'vitest';
import { plainFieldErrors, plainMessage, requiredErrors } from '../web/src/form-errors.js';

describe('field errors in plain words (web/src/form-errors.ts)', () => {
  it('turns zod\'s texts for empty and missing fields into "Enter …" and "Choose …"', () => {
    expect(plainMessage('Too small: expected string to have >=1 characters', { name: 'a first name' })).toBe('Enter a first name.');
    expect(plainMessage('Invalid option: expected one of "consent"|"contract"|"legal_obligation"', { name: 'a lawful basis', kind: 'choice' })).toBe('Choose a lawful basis.');
    expect(plainMessage('Invalid input: expected string, received undefined', { name: 'the source' })).toBe('Enter the source.');
    expect(plainMessage('Invalid input: expected string, received undefined', { name: 'a stage', kind: 'choice' })).toBe('Choose a stage.');
    expect(plainMessage('Too small: expected array to have >=1 items', { name: 'at least one scope', kind: 'choice' })).toBe('Choose at least one scope.');
  });

  it('says what to do for bounds and formats, and keeps messages written for people', () => {
    expect(plainMessage('Too big: expected string to have <=200 characters')).toBe('Use at most 200 characters.');
    expect(plainMessage('Too small: expected number to be >=1')).toBe('Enter a number of at least 1.');
    expect(plainMessage('Invalid email address')).toBe('Enter an email address such as name@example.com.');
    expect(plainMessage('Invalid UUID', { name: 'a company', kind: 'choice' })).toBe('Choose a company.');
    expect(plainMessage('Invalid string: must match pattern /^[a-z]+$/', { name: 'a slug' })).toBe('Check a slug: it is not in the expected form.');
    expect(plainMessage('Give an ISO 4217 code such as EUR.')).toBe('Give an ISO 4217 code such as EUR.');
    expect(plainMessage('Too small: expected string to have >=1 characters')).toBe('Enter a value.');
  });

  it('keys a problem\'s errors by the form\'s field names and finds specs of list items', () => {
    const errors = [
      { path: 'body.lawfulBasis', message: 'Invalid option: expected one of "consent"|"contract"' },
      { path: 'emails.1.address', message: 'Too small: expected string to have >=1 characters' },
      { path: 'body.lawfulBasis', message: 'a second message for the same field' },
      { path: 'tags.0', message: 'Too big: expected string to have <=100 characters' },
    ];
    expect(plainFieldErrors(errors, { lawfulBasis: { name: 'a lawful basis', kind: 'choice' }, 'emails.*.address': { name: 'an email address' } })).toEqual({
      lawfulBasis: 'Choose a lawful basis.',
      'emails.1.address': 'Enter an email address.',
      'tags.0': 'Use at most 100 characters.',
    });
  });

  it('names each empty required field before anything is sent', () => {
    expect(requiredErrors({ name: ' ', scope: 'x' }, { name: { name: 'a name for the token' }, scope: { name: 'a scope', kind: 'choice' }, other: { name: 'another', kind: 'choice' } })).toEqual({
      name: 'Enter a name for the token.',
      other: 'Choose another.',
    });
  });
});
