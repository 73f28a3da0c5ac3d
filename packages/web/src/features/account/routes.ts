import type { PageRoute } from '../../app/routes.js';
import { AdminPage } from '../admin/AdminPage.js';
import { ForgotPasswordPage } from './ForgotPasswordPage.js';
import { ResetPasswordPage } from './ResetPasswordPage.js';
import { SettingsPage } from './SettingsPage.js';
import { VerifyEmailPage } from './VerifyEmailPage.js';

/** The pages a mail's link opens: they work signed in or out. */
const linkedFromMail: PageRoute[] = [
  { path: '/reset-password', component: ResetPasswordPage, hidesListOnPhone: true },
  { path: '/verify-email', component: VerifyEmailPage, hidesListOnPhone: true },
];

/** Account and administration pages in the signed-in shell. */
export const accountRoutes: PageRoute[] = [
  { path: '/settings/:section?', component: SettingsPage, hidesListOnPhone: true },
  { path: '/admin/:section?', component: AdminPage, hidesListOnPhone: true },
  ...linkedFromMail,
];

/** Account pages for a signed-out person. */
export const accountPublicRoutes: PageRoute[] = [{ path: '/forgot-password', component: ForgotPasswordPage }, ...linkedFromMail];
