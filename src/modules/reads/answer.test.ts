import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installReadAnswerRule, personalFieldsOf } from './answer.js';

const Person = z.object({ id: z.uuid(), firstName: z.string(), deals: z.array(z.object({ title: z.string().nullable() })) });
const Company = z.object({ id: z.uuid(), name: z.string(), address: z.object({ city: z.string() }).nullable() });

let app: FastifyInstance | undefined;
function bare(): FastifyInstance {
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installReadAnswerRule(app);
  return app;
}
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the rule that answers showing people are reads', () => {
  it('finds personal fields at any depth of a response schema, and none in a company', () => {
    expect(personalFieldsOf({ schema: { response: { 200: Person } } })).toEqual(['firstName', 'title']);
    expect(personalFieldsOf({ schema: { response: { 200: z.object({ items: z.array(Person) }) } } })).toEqual(['firstName', 'title']);
    expect(personalFieldsOf({ schema: { response: { 200: Company } } })).toEqual([]);
    expect(personalFieldsOf({ schema: {} })).toEqual([]);
  });

  it('refuses to register a route whose answer carries a personal field without a reads purpose', () => {
    const typed = bare().withTypeProvider<ZodTypeProvider>();
    expect(() => typed.patch('/people/:id', { config: { permission: 'contacts:write' }, schema: { response: { 200: Person } } }, () => ({ id: '', firstName: '', deals: [] })))
      .toThrow(/PATCH \/people\/:id answers with personal fields \(firstName, title\) but declares no reads purpose/);
    expect(() => typed.get('/companies/:id', { config: { permission: 'contacts:read' }, schema: { response: { 200: Company } } }, () => ({ id: '', name: '', address: null })))
      .not.toThrow();
  });

  it('answers 500, not the data, when a declared route answers without recording its read', async () => {
    const a = bare();
    a.withTypeProvider<ZodTypeProvider>().get('/people/:id', {
      config: { permission: 'contacts:read', reads: 'crm.view' },
      schema: { response: { 200: Person } },
    }, () => ({ id: '00000000-0000-4000-8000-000000000001', firstName: 'Unrecorded', deals: [] }));
    const res = await a.inject({ method: 'GET', url: '/people/1' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Unrecorded');
  });
});
