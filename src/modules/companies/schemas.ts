import { z } from 'zod';
import { COMPANY_SORTS } from './list.js';
import type { Company } from './service.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optional = (max: number) => text(max).nullable().optional();

/** A bare domain ("acme.example"), stored lower-cased. */
const domain = z.string().trim().toLowerCase().max(253)
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Give a domain such as acme.example.');
const website = z.url({ protocol: /^https?$/ }).max(2048);

export const AddressSchema = z.object({
  street: optional(300),
  city: optional(200),
  postalCode: optional(40),
  region: optional(200),
  country: optional(100),
}).transform((a) => ({
  street: a.street ?? null, city: a.city ?? null, postalCode: a.postalCode ?? null, region: a.region ?? null, country: a.country ?? null,
}));

const fields = {
  domain: domain.nullable().optional(),
  website: website.nullable().optional(),
  industry: optional(200),
  size: optional(50),
  phone: optional(50),
  address: AddressSchema.nullable().optional(),
  notes: z.string().max(20_000).nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
};

export const CreateCompanySchema = z.strictObject({ name: text(200), ...fields });
export const PatchCompanySchema = z.strictObject({ name: text(200).optional(), ...fields });

export const CompanySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  website: z.string().nullable(),
  industry: z.string().nullable(),
  size: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.object({
    street: z.string().nullable(), city: z.string().nullable(), postalCode: z.string().nullable(),
    region: z.string().nullable(), country: z.string().nullable(),
  }).nullable(),
  notes: z.string().nullable(),
  ownerId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  sort: z.enum(COMPANY_SORTS as [string, ...string[]]).default('-createdAt'),
  q: z.string().max(200).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export const IdParamsSchema = z.object({ id: z.uuid() });

export function view(c: Company): z.infer<typeof CompanySchema> {
  return {
    id: c.id, name: c.name, domain: c.domain, website: c.website, industry: c.industry, size: c.size, phone: c.phone,
    address: c.address, notes: c.notes, ownerId: c.ownerId, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}
