// The spec's success envelope `{success, data, message, pagination}` and what every /api/v1 route
// shares to build it: page parameters and the docs' tag.
import Type, { type TSchema } from 'typebox'

const Pagination = Type.Object({ page: Type.Integer(), per_page: Type.Integer(), total: Type.Integer(), total_pages: Type.Integer() })

/** The response schema of a route answering `data` (with `pagination` when paged). */
export const envelope = <T extends TSchema>(data: T, paged = false) =>
  Type.Object({ success: Type.Boolean(), data, message: Type.String(), ...(paged ? { pagination: Pagination } : {}) })

export const ok = <T>(data: T, message: string) => ({ success: true, data, message })

/** A page of a list, as /users/ answers it: 20 a page by default, up to 100. */
export const PageQuery = Type.Object(
  { page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
  { additionalProperties: true }
)
export type PageParams = { page?: number; per_page?: number }

export function pageOf(query: PageParams): { page: number; perPage: number } {
  return { page: query.page ?? 1, perPage: query.per_page ?? 20 }
}

export function okPage<T>(data: T[], message: string, page: number, perPage: number, total: number) {
  return { ...ok(data, message), pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) } }
}

export const tags = ['WebOps /api/v1']
