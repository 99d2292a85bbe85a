/**
 * The database's tables as Kysely sees them. Each module declares its own
 * tables by augmenting this interface next to its queries:
 *
 *   declare module '../../platform/db/schema.js' {
 *     interface DB { contacts: ContactsTable }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB {}
