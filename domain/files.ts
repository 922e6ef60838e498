/**
 * The media types served inline and shown as pictures by the pages: raster images whose bytes the
 * upload checks (activities/store/file-signatures.ts). Any other type, an SVG an operator allowed
 * included (it can carry script), is an attachment and a download link.
 */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/gif', 'image/jpeg', 'image/webp'] as const;
export type InlineImageType = (typeof INLINE_IMAGE_TYPES)[number];

export const isInlineImageType = (mediaType: string): mediaType is InlineImageType => (INLINE_IMAGE_TYPES as readonly string[]).includes(mediaType);
