import Type, { type Static } from 'typebox';

/**
 * Link previews (issue 37): the card of a message's first http(s) link, fetched by the server
 * after the send (or an edit that changes that link) and delivered through `message.updated`.
 */
export const LinkPreview = Type.Object(
  {
    url: Type.String({ description: 'The link as it appears in the body (the first http(s) URL)' }),
    title: Type.String({ description: "The page's og:title, else its <title>" }),
    description: Type.Union([Type.String(), Type.Null()], { description: "The page's og:description, else its meta description" }),
    siteName: Type.String({ description: "The page's og:site_name, else the host name" }),
    image: Type.Union([Type.String(), Type.Null()], {
      description: "The page's picture (og:image) as Confab keeps it: a WebP served at this path to members (bearer token), or null",
    }),
  },
  { title: 'LinkPreview' },
);
export type LinkPreview = Static<typeof LinkPreview>;

export const LinkPreviewImageQuery = Type.Object(
  {
    v: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{1,32}$', description: 'The version in the preview’s image URL; 404 once replaced' }),
    ),
  },
  { additionalProperties: false },
);
export type LinkPreviewImageQuery = Static<typeof LinkPreviewImageQuery>;
