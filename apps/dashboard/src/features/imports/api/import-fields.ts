/** The lead fields a column can map to (services/campaign-api/src/imports/column-mapping.ts). */
export const IMPORT_FIELDS = ['phone', 'firstName', 'lastName', 'name', 'email', 'timezone', 'state', 'postalCode', 'country'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const FIELD_LABEL: Record<ImportField, string> = {
  phone: 'Phone', firstName: 'First name', lastName: 'Last name', name: 'Full name', email: 'Email',
  timezone: 'Time zone', state: 'State', postalCode: 'Postal code', country: 'Country',
};
