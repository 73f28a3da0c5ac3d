import { useEffect, useState } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { SessionController } from '../session/session.js';
import { SessionContext, useSession, useSessionController } from '../session/SessionContext.js';
import { SignInPage } from '../pages/SignInPage.js';
import { SignUpPage } from '../pages/SignUpPage.js';
import { Splash } from '../pages/Splash.js';
import { SignedInApp } from './SignedInApp.js';
import { TooltipProvider } from '../components/ui/index.js';
import { publicRoutes } from './routes.js';

/** The root: one session for the page's life; signed out, the public pages; signed in, the shell. */
export function App({ controller }: { controller?: SessionController }) {
  const [session] = useState(() => controller ?? new SessionController());
  useEffect(() => {
    void session.start();
  }, [session]);
  return (
    <SessionContext.Provider value={session}>
      <TooltipProvider>
        <Root />
      </TooltipProvider>
    </SessionContext.Provider>
  );
}

function Root() {
  const state = useSession();
  const controller = useSessionController();
  switch (state.status) {
    case 'starting':
      return <Splash message="Loading…" />;
    case 'unreachable':
      return <Splash message={`The server cannot be reached. ${state.message}`} retry={() => void controller.start()} />;
    case 'signed-out':
      return (
        <Switch>
          <Route path="/sign-in">
            <SignInPage notice={state.notice} />
          </Route>
          <Route path="/sign-up" component={SignUpPage} />
          {publicRoutes.map(({ path, component }) => (
            <Route key={path} path={path} component={component} />
          ))}
          <Route>
            <Redirect to={`/sign-in?next=${encodeURIComponent(window.location.pathname)}`} replace />
          </Route>
        </Switch>
      );
    case 'signed-in':
      return <SignedInApp key={state.me.id} />;
  }
}
