/**
 * What contacts use of other modules, through their services only: one place
 * to follow when their signatures move.
 */
export { companyExists, getCompanyNames, type CompanyRenameHook } from '../companies/index.js';
export { validateCustomFieldValues } from '../custom-fields/index.js';
export { isMember as memberExists } from '../identity/index.js';
export { defaultPhoneCountry as defaultCountry, salesSeeOwnOnly } from '../workspaces/index.js';
