// Placeholder: the PGlite template database is prepared here (see test/support/pglite-template.ts).
export default async function globalSetup(): Promise<void> {}
