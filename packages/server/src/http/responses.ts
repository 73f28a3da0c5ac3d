import Type from 'typebox';
import { ErrorResponse } from '@confab/protocol';

/** Documents the error answers a route can give (all share the ErrorResponse shape). */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));

export const bearer = [{ bearerAuth: [] }];
/** Declared on the routes that take no token, so the document says so rather than saying nothing. */
export const unauthenticated = [];

/** A route that takes no query parameters refuses unknown ones (400), as every route does. */
export const NoQuery = Type.Object({}, { additionalProperties: false });
