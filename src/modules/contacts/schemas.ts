/** Request and response shapes (API.md "Contacts"); the schema is the type. */
import { z } from 'zod';

export const LAWFUL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

const text = (max: number) => z.string().max(max);
const optText = (max: number) => z.string().trim().max(max).nullable().optional();

const AddressSchema = z
  .object({ street: optText(300), postalCode: optText(40), city: optText(200), region: optText(200), country: optText(100) })
  .strict();

/** Shapes only: emails and phones are checked after normalization, so a bad one is a 422 naming it. */
const fields = {
    firstName: text(200),
    lastName: text(200),
    emails: z.array(z.object({ address: text(320), primary: z.boolean().optional() }).strict()).max(20),
    phones: z.array(z.object({ number: text(40) }).strict()).max(20).optional(),
    jobTitle: optText(200),
    seniority: optText(100),
    companyId: z.uuid().nullable().optional(),
    ownerId: z.uuid().nullable().optional(),
    address: AddressSchema.nullable().optional(),
    bio: optText(10_000),
    website: optText(2_000),
    linkedinUrl: optText(2_000),
    country: optText(100),
    city: optText(200),
    ip: z.union([z.ipv4(), z.ipv6()]).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
    customFields: z.record(z.string(), z.unknown()).optional(),
    lawfulBasis: z.enum(LAWFUL_BASES),
    source: z.string().trim().min(1).max(500),
};

export const ContactInputSchema = z
  .object({ ...fields, firstName: fields.firstName.default(''), lastName: fields.lastName.default(''), emails: fields.emails.default([]) })
  .strict();
export type ContactInput = z.input<typeof ContactInputSchema>;
export type ParsedContactInput = z.output<typeof ContactInputSchema>;

/** A change: any field of the input; arrays replace the stored ones whole. */
export const ContactPatchSchema = z.object(fields).partial().strict();
export type ContactPatch = z.output<typeof ContactPatchSchema>;

export const ContactSchema = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  emails: z.array(z.object({ address: z.string(), primary: z.boolean() })),
  phones: z.array(z.object({ number: z.string() })),
  jobTitle: z.string().nullable(),
  seniority: z.string().nullable(),
  companyId: z.uuid().nullable(),
  ownerId: z.uuid().nullable(),
  address: AddressSchema.nullable(),
  bio: z.string().nullable(),
  website: z.string().nullable(),
  linkedinUrl: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  ip: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  lawfulBasis: z.enum(LAWFUL_BASES),
  source: z.string(),
  recordVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.uuid().nullable(),
});
export type ContactView = z.infer<typeof ContactSchema>;

export const SORTS = ['createdAt', 'updatedAt', 'ownerId', 'lastName', 'firstName', 'email'] as const;
export type SortField = (typeof SORTS)[number];
const SortSchema = z.enum([...SORTS, ...SORTS.map((s) => `-${s}` as const)] as [string, ...string[]]);

export const ListQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
    tag: z.string().max(100).optional(),
    segmentId: z.uuid().optional(),
    /** Only this company's contacts (plaintext metadata: no decryption to narrow). */
    companyId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
    sort: SortSchema.optional(),
  })
  .strict();
export type ListQuery = z.output<typeof ListQuerySchema>;

export const ContactPageSchema = z.object({
  items: z.array(ContactSchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().optional(),
  totalIsLowerBound: z.boolean().optional(),
  /** true when `total` is an estimate (a search with many candidates); exact otherwise. */
  totalIsEstimate: z.boolean().optional(),
});

export const AccessLogSchema = z.object({
  items: z.array(
    z.object({ at: z.string(), action: z.string(), actorId: z.string().nullable(), actorType: z.string(), purpose: z.string().nullable() }),
  ),
  nextCursor: z.string().nullable(),
});

export const IdParamsSchema = z.object({ id: z.uuid() });
