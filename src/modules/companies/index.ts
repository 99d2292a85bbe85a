/** Companies: the organisations contacts work for. */
import { defineModule } from '../../kernel/module.js';
import { registerCompanyRoutes } from './routes.js';
import { reindexCompanies } from './service.js';

export { companyExists, createCompanies, findCompaniesByName, getCompanyNames, type CompanyRenameHook } from './service.js';

export const companiesModule = defineModule({
  name: 'companies',
  tables: ['companies', 'company_tokens'],
  routes: registerCompanyRoutes,
  reindexers: [{ name: 'companies', run: (vault, trx, workspaceId) => reindexCompanies(trx, vault, workspaceId).then(() => undefined) }],
  offers: ['companies.renamed'],
});
