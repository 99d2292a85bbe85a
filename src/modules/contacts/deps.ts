/**
 * What contacts use of other modules, through their services only: one place
 * to follow when their signatures move.
 */
export { companyExists, getCompanyNames, type CompanyRenameHook } from '../companies/index.js';
export { validateCustomFieldValues } from '../custom-fields/index.js';
