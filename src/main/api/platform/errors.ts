import Type from 'typebox'

/** The spec's error body. */
export const PlatformErrorSchema = Type.Object({ detail: Type.String() })
