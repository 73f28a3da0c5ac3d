import { Suspense } from 'react';
import { Route, Switch, matchRoute, useRouter } from 'wouter';
import { ConnectionStatus } from '../components/ConnectionStatus.js';
import { UserMenu } from '../components/UserMenu.js';
import { ConversationList } from '../features/conversations/ConversationList.js';
import { KeyboardShortcuts } from '../features/keyboard/KeyboardShortcuts.js';
import { notFoundRoute, signedInRoutes, topbarItems } from './routes.js';

/**
 * The signed-in layout: a top bar (brand, connection state, my menu), the conversation list,
 * and the page of the current route. On a phone one of list and page shows at a time: a page
 * that `hidesListOnPhone` takes the screen.
 */
export function Shell({ location }: { location: string }) {
  const { parser } = useRouter();
  const current = signedInRoutes.find((route) => matchRoute(parser, route.path, location)[0]) ?? notFoundRoute;
  return (
    <div className="shell" data-page-focused={current.hidesListOnPhone ? 'true' : 'false'}>
      <header className="topbar">
        <h1 className="brand">Confab</h1>
        <ConnectionStatus />
        {topbarItems.map(({ id, component: Item }) => (
          <Item key={id} />
        ))}
        <UserMenu />
      </header>
      <nav className="sidebar" aria-label="Conversations">
        <ConversationList />
      </nav>
      <main className="main">
        {/* Lazily loaded pages (settings, admin) show this while their code arrives. */}
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Switch>
            {signedInRoutes.map(({ path, component }) => (
              <Route key={path} path={path} component={component} />
            ))}
            <Route component={notFoundRoute.component} />
          </Switch>
        </Suspense>
      </main>
      <KeyboardShortcuts />
    </div>
  );
}
