import type { ComponentType } from 'react';
import { accountPublicRoutes, accountRoutes } from '../features/account/routes.js';
import { ConversationPage } from '../features/messages/ConversationPage.js';
import { NewDirectPage } from '../features/conversations/NewDirectPage.js';
import { NewGroupPage } from '../features/conversations/NewGroupPage.js';
import { HomePage } from '../pages/HomePage.js';
import { ProfilePage } from '../pages/ProfilePage.js';
import { NotFoundPage } from '../pages/NotFoundPage.js';
import { SavedPage } from '../features/saved/saved.js';
import { ScheduledPage } from '../features/scheduled/ScheduledPage.js';

/**
 * The route table: the extension point for pages. A page is a component rendered in the shell's
 * main area (beside the conversation list) for a path; wouter's `:param` syntax, the params
 * reaching the component as `params`. Add yours here (account pages, the admin area, …); the
 * first match wins, so keep the catch-all last.
 */
export interface PageRoute {
  path: string;
  component: ComponentType<{ params: Record<string, string | undefined> }>;
  /** Pages that fill the screen on a phone hide the conversation list there (everything but the home page). */
  hidesListOnPhone?: boolean;
}

export const signedInRoutes: PageRoute[] = [
  { path: '/', component: HomePage },
  { path: '/new/direct', component: NewDirectPage, hidesListOnPhone: true },
  { path: '/new/group', component: NewGroupPage, hidesListOnPhone: true },
  { path: '/settings/profile', component: ProfilePage, hidesListOnPhone: true },
  { path: '/saved', component: SavedPage, hidesListOnPhone: true },
  { path: '/scheduled', component: ScheduledPage, hidesListOnPhone: true },
  { path: '/c/:conversationId/:panel?/:arg?', component: ConversationPage, hidesListOnPhone: true },
  ...accountRoutes,
];

/** The fallback, after every route above. */
export const notFoundRoute: PageRoute = { path: '*', component: NotFoundPage, hidesListOnPhone: true };

/** Pages reachable while signed out besides sign-in and sign-up (e.g. a password reset link's page). */
export const publicRoutes: PageRoute[] = [...accountPublicRoutes];

/** Things in the top bar before my menu (the notifications bell). */
export const topbarItems: { id: string; component: ComponentType }[] = [];
