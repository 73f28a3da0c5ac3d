import { useEffect, useMemo, useState } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ConversationStore } from '../state/conversation-store.js';
import { PeopleStore } from '../state/people-store.js';
import { Outbox } from '../state/outbox.js';
import { localOutboxStorage } from '../state/outbox-storage.js';
import { PresenceStore } from '../state/presence-store.js';
import { BlocksStore } from '../state/blocks-store.js';
import { DraftSync } from '../features/composer/draft-sync.js';
import { draftsOf } from '../features/composer/drafts.js';
import { AppContext, type AppServices } from '../state/AppContext.js';
import { useSignedIn } from '../session/SessionContext.js';
import { Shell } from './Shell.js';
import { ProfileCardHost } from '../features/profile/profile-card-host.js';
import { DesktopNotifier } from '../features/desktop/desktop-notifier.js';

/** The signed-in app: the stores live as long as the session; the sign-in pages send you on to where you were going. */
export function SignedInApp() {
  const { me, client, connection } = useSignedIn();
  const [services] = useState<AppServices>(() => {
    const people = new PeopleStore(client, connection);
    people.remember([me]);
    const conversations = new ConversationStore(client, connection, me.id);
    return {
      me,
      client,
      connection,
      people,
      conversations,
      outbox: new Outbox(connection, localOutboxStorage(me.id)),
      presence: new PresenceStore(client, connection),
      blocks: new BlocksStore(client, connection),
      drafts: new DraftSync(client, connection, draftsOf(me.id), me.id),
    };
  });
  useEffect(() => {
    services.conversations.start();
    services.people.start();
    services.outbox.start();
    services.presence.start();
    services.blocks.start();
    services.drafts.start();
    const desktop = new DesktopNotifier(services);
    desktop.start();
    return () => {
      services.drafts.stop();
      desktop.stop();
      services.blocks.stop();
      services.people.stop();
      services.presence.stop();
      services.conversations.stop();
      services.outbox.stop();
    };
  }, [services]);
  const [location] = useLocation();
  // The same value until `me` changes: every useApp() reader (each message row among them) would
  // render again on each navigation otherwise.
  const value = useMemo(() => ({ ...services, me }), [services, me]);
  return (
    <AppContext.Provider value={value}>
      <Switch>
        <Route path={/^\/sign-(in|up)$/}>
          <Redirect to={nextPage()} replace />
        </Route>
        <Route>
          <Shell location={location} />
        </Route>
      </Switch>
      <ProfileCardHost />
    </AppContext.Provider>
  );
}

/** Where a sign-in was headed (`?next=`), only ever a path of this app. */
function nextPage(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
