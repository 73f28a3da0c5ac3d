import { ErrorResponse } from '@confab/protocol';

/** Documents the error answers a route can give (all share the ErrorResponse shape). */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));

export const bearer = [{ bearerAuth: [] }];
