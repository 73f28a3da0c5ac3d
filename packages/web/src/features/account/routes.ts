import { lazy } from 'react';
import type { PageRoute } from '../../app/routes.js';
import { ForgotPasswordPage } from './ForgotPasswordPage.js';
import { ResetPasswordPage } from './ResetPasswordPage.js';
import { ClaimAccountPage } from './ClaimAccountPage.js';
import { VerifyEmailPage } from './VerifyEmailPage.js';

// The settings and the admin area load on first visit (chunks of their own): most page loads
// are a conversation, and these pages are the largest the first load would otherwise carry.
// The shell's <Suspense> shows "Loading…" meanwhile.
const SettingsPage = lazy(() => import('./SettingsPage.js').then((m) => ({ default: m.SettingsPage })));
const AdminPage = lazy(() => import('../admin/AdminPage.js').then((m) => ({ default: m.AdminPage })));

/** The pages a mail's link opens: they work signed in or out. */
const linkedFromMail: PageRoute[] = [
  { path: '/reset-password', component: ResetPasswordPage, hidesListOnPhone: true },
  { path: '/verify-email', component: VerifyEmailPage, hidesListOnPhone: true },
  { path: '/claim', component: ClaimAccountPage, hidesListOnPhone: true },
];

/** Account and administration pages in the signed-in shell. */
export const accountRoutes: PageRoute[] = [
  { path: '/settings/:section?', component: SettingsPage, hidesListOnPhone: true },
  { path: '/admin/:section?', component: AdminPage, hidesListOnPhone: true },
  ...linkedFromMail,
];

/** Account pages for a signed-out person. */
export const accountPublicRoutes: PageRoute[] = [{ path: '/forgot-password', component: ForgotPasswordPage }, ...linkedFromMail];
