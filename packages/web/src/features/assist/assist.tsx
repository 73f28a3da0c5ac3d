import { signedInRoutes, topbarItems } from '../../app/routes.js';
import { NeedsReplyLink, NeedsReplyPage } from './needs-reply.js';
import './catch-up.js';
import './reply-chips.js';
import './report.js';
import './assist.css';

/** Assist in the web app (issue 40): the "Needs reply" link and page, and "Catch up" (catch-up.tsx). */
topbarItems.unshift({ id: 'needs-reply', component: NeedsReplyLink });
signedInRoutes.splice(signedInRoutes.length, 0, { path: '/needs-reply', component: NeedsReplyPage, hidesListOnPhone: true });
