/**
 * The contact field a CSV header names, under the spellings other tools
 * export: HubSpot ("First Name", "Job Title", "Associated Company"), Pipedrive
 * ("Person - Name", "Organization - Name", "Phone - Work"), Google Contacts
 * ("Given Name", "E-mail 1 - Value", "Organization 1 - Title"), Outlook and
 * plain spreadsheets in English, German and French. A header is compared after
 * folding case, accents, spaces and punctuation, so "E-Mail", "e_mail" and
 * "EMAIL" are one name. Pure: node tests load it.
 */
import type { ImportField } from './fields.js';

/** "E-mail 1 - Value" → "email1value"; "Prénom" → "prenom". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const SYNONYMS: Record<ImportField, readonly string[]> = {
  firstName: ['firstname', 'first', 'fname', 'givenname', 'forename', 'contactfirstname', 'personfirstname', 'vorname', 'prenom', 'nombre', 'voornaam'],
  lastName: ['lastname', 'last', 'lname', 'surname', 'familyname', 'contactlastname', 'personlastname', 'nachname', 'familienname', 'nom', 'nomdefamille', 'apellido', 'apellidos', 'achternaam'],
  email: [
    'email', 'emailaddress', 'mail', 'mailaddress', 'primaryemail', 'workemail', 'businessemail', 'emailwork', 'email1value', 'emailvalue',
    'email1', 'emailaddress1', 'personemail', 'personemailwork', 'contactemail', 'emailadresse', 'courriel', 'adressemail', 'correo', 'correoelectronico',
  ],
  phone: [
    'phone', 'phonenumber', 'phoneno', 'telephone', 'telephonenumber', 'tel', 'mobile', 'mobilephone', 'mobilenumber', 'mobilephonenumber', 'cell', 'cellphone',
    'cellular', 'workphone', 'businessphone', 'primaryphone', 'homephone', 'phonework', 'phonemobile', 'phone1value', 'phonevalue', 'personphone', 'personphonework',
    'contactphone', 'telefon', 'telefonnummer', 'handy', 'mobil', 'telefono', 'portable',
  ],
  jobTitle: ['jobtitle', 'title', 'position', 'jobposition', 'role', 'jobrole', 'organization1title', 'organizationtitle', 'persontitle', 'berufsbezeichnung', 'funktion', 'poste', 'fonction'],
  company: [
    'company', 'companyname', 'organization', 'organisation', 'organizationname', 'organisationname', 'organization1name', 'org', 'orgname', 'employer',
    'account', 'accountname', 'associatedcompany', 'personorganization', 'firma', 'unternehmen', 'societe', 'entreprise', 'empresa',
  ],
  city: ['city', 'town', 'address1city', 'addresscity', 'mailingcity', 'homecity', 'businesscity', 'workcity', 'stadt', 'ort', 'ville', 'ciudad'],
  country: ['country', 'countryregion', 'countrycode', 'address1country', 'addresscountry', 'mailingcountry', 'homecountry', 'businesscountry', 'workcountry', 'land', 'pays', 'pais'],
  lawfulBasis: ['lawfulbasis', 'legalbasis', 'basisforprocessing', 'rechtsgrundlage'],
  source: ['source', 'leadsource', 'originalsource', 'contactsource', 'herkunft', 'quelle'],
};

const BY_NAME = new Map<string, ImportField>(
  (Object.entries(SYNONYMS) as Array<[ImportField, readonly string[]]>).flatMap(([field, names]) => names.map((n) => [n, field] as const)),
);

/** The field a header names, or null (the column is ignored unless mapped by hand). */
export function fieldForHeader(header: string): ImportField | null {
  return BY_NAME.get(normalizeHeader(header)) ?? null;
}

/** Fields that let a contact be told apart and found again: without one of them an import is refused. */
export const NAME_FIELDS: readonly ImportField[] = ['firstName', 'lastName'];

export interface MappingReview {
  /** Headers left on "Ignore", in file order. */
  ignored: string[];
  hasName: boolean;
  hasEmail: boolean;
}

export function reviewMapping(mapping: Readonly<Record<string, ImportField | ''>>): MappingReview {
  const fields = Object.values(mapping);
  return {
    ignored: Object.entries(mapping).filter(([, f]) => f === '').map(([h]) => h),
    hasName: fields.some((f) => f !== '' && NAME_FIELDS.includes(f)),
    hasEmail: fields.includes('email'),
  };
}
