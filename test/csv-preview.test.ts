import { describe, expect, it } from 'vitest';
import { defaultField, detectDelimiter, parseCsvPreview } from '../web/src/pages/imports/csv-preview.js';
import { normalizeHeader, reviewMapping } from '../web/src/pages/imports/header-synonyms.js';

describe('the import wizard\'s CSV preview (read in the browser)', () => {
  it('detects the separator on the header line, comma on a tie', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a,b;c')).toBe(',');
    expect(detectDelimiter('name')).toBe(',');
  });

  it('reads quoted fields (separators, doubled quotes, line breaks), skips blank lines and a BOM, and stops after the limit', () => {
    const csv = '\uFEFFfirstName,Notes\r\n"Ada","said ""hi"", then\nleft"\n\nGrace,plain\n3,x\n4,x\n5,x\n6,x\n';
    const p = parseCsvPreview(csv, 5);
    expect(p.delimiter).toBe(',');
    expect(p.header).toEqual(['firstName', 'Notes']);
    expect(p.rows[0]).toEqual(['Ada', 'said "hi", then\nleft']);
    expect(p.rows[1]).toEqual(['Grace', 'plain']);
    expect(p.rows).toHaveLength(5);
    expect(p.rows[4]).toEqual(['5', 'x']);
  });

  it('keeps a last record without a final line break', () => {
    expect(parseCsvPreview('email;city\na@b.example;Oslo').rows).toEqual([['a@b.example', 'Oslo']]);
  });

  it('maps a header to the field of that name, case-insensitive, else ignores it', () => {
    expect(defaultField(' EMAIL ')).toBe('email');
    expect(defaultField('jobtitle')).toBe('jobTitle');
    expect(defaultField('Notes')).toBeNull();
    expect(defaultField('Name')).toBeNull();
  });

  it('recognises the headers HubSpot, Pipedrive, Google Contacts and spreadsheets export', () => {
    const expected: Record<string, string> = {
      'First Name': 'firstName', 'Last Name': 'lastName', 'Phone Number': 'phone', 'Company Name': 'company', 'Job Title': 'jobTitle',
      'E-mail': 'email', 'Email Address': 'email', 'E-mail 1 - Value': 'email', 'Given Name': 'firstName', 'Family Name': 'lastName',
      Mobile: 'phone', 'Phone 1 - Value': 'phone', Organization: 'company', 'Organization 1 - Name': 'company', 'Organization 1 - Title': 'jobTitle',
      Title: 'jobTitle', first_name: 'firstName', 'LAST-NAME': 'lastName', 'Associated Company': 'company', Vorname: 'firstName', Nachname: 'lastName',
      Prénom: 'firstName', 'E-Mail-Adresse': 'email', 'Country/Region': 'country', 'Address 1 - City': 'city', 'Lead Source': 'source', 'Lawful basis': 'lawfulBasis',
    };
    for (const [header, field] of Object.entries(expected)) expect(defaultField(header), header).toBe(field);
    expect(normalizeHeader(' E-Mail 1 – Value ')).toBe('email1value');
  });

  it('names the ignored columns and says whether a name or an email is mapped', () => {
    expect(reviewMapping({ 'First Name': 'firstName', Notes: '', Website: '' })).toEqual({ ignored: ['Notes', 'Website'], hasName: true, hasEmail: false });
    expect(reviewMapping({ Phone: 'phone', 'E-mail': 'email' })).toEqual({ ignored: [], hasName: false, hasEmail: true });
    expect(reviewMapping({ Phone: 'phone', Company: '' })).toEqual({ ignored: ['Company'], hasName: false, hasEmail: false });
  });
});
