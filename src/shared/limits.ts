// Numbers the UI needs on its first page, kept apart from the schemas that use them: importing a
// schema module builds its schemas, and the first page should not carry the schema library.

/** The servers list's page size: the default, and the most one page may hold. */
export const DEFAULT_PER_PAGE = 25
export const MAX_PER_PAGE = 100

/**
 * The highest page number any paged list accepts (400 above it). A page past the last is an empty
 * page; a number this high is no real page, and far higher ones would overflow SQLite's OFFSET.
 */
export const MAX_PAGE = 1_000_000

/** How far back the fleet overview's sparklines reach. */
export const OVERVIEW_WINDOW_MS = 15 * 60_000
