import type { ConversationSummary, Member, Role } from '@confab/protocol';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useLocation } from 'wouter';
import { useApp, usePerson } from '../../state/AppContext.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Field } from '../../components/Field.js';
import { PersonName } from '../../components/PersonName.js';
import { VerifiedShield } from '../encryption/VerifiedShield.js';
import { ProfileTrigger } from '../profile/ProfileTrigger.js';
import { useAction } from '../../components/useAction.js';
import { conversationHeaderActions, conversationPanels } from '../messages/extensions.js';
import { Users } from 'lucide-react';
import { PeopleSearch } from './PeopleSearch.js';

const canManage = (role: Role) => role === 'owner' || role === 'admin';
const groupName = (conversation: ConversationSummary) => conversation.title ?? 'this group';

/**
 * A group's members and settings (the `members` panel): rename, add and remove members,
 * change roles, leave. Controls show only where my role allows them (the server checks too);
 * the list is read again whenever membership changes.
 */
function MembersPanel({ conversation }: { conversation: ConversationSummary }) {
  const { client, connection, me } = useApp();
  const [members, setMembers] = useState<Member[] | null>(null);
  const load = useCallback(async () => setMembers((await client.getConversation(conversation.id)).members), [client, conversation.id]);
  const { run: reload, error: loadError } = useAction(load);
  useEffect(() => {
    void reload();
    const here = (id: string) => id === conversation.id;
    const stops = [
      connection.on('member.added', (e) => here(e.conversationId) && void reload()),
      connection.on('member.removed', (e) => here(e.conversationId) && void reload()),
      connection.on('member.updated', (e) => here(e.conversationId) && void reload()),
    ];
    return () => stops.forEach((stop) => stop());
  }, [connection, conversation.id, reload]);
  const { run: act, error: actError } = useAction(async (action: () => Promise<unknown>) => {
    await action();
  });
  const manage = canManage(conversation.myRole);
  return (
    <div className="panel-body stack">
      {manage && <RenameForm conversation={conversation} />}
      {manage && (
        <PeopleSearch
          label="Add people"
          actionLabel="Add"
          exclude={members?.map((m) => m.userId) ?? []}
          onPick={(user) => act(() => client.addMember(conversation.id, user.id))}
        />
      )}
      {(loadError ?? actError) && (
        <p role="alert" className="error">
          {loadError ?? actError}
        </p>
      )}
      <h3>Members ({members?.length ?? conversation.memberCount})</h3>
      <ul className="member-list">
        {members?.map((member) => (
          <MemberItem key={member.userId} member={member} conversation={conversation} me={me.id} act={act} />
        ))}
      </ul>
      <LeaveButton conversation={conversation} />
    </div>
  );
}

function MemberItem({
  member,
  conversation,
  me,
  act,
}: {
  member: Member;
  conversation: ConversationSummary;
  me: string;
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const { client } = useApp();
  const person = usePerson(member.userId);
  const id = useId();
  const myRole = conversation.myRole;
  const isMe = member.userId === me;
  const canRemove = !isMe && (myRole === 'owner' || (myRole === 'admin' && member.role === 'member'));
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await client.removeMember(conversation.id, member.userId);
    setConfirming(false);
  });
  const name = person ? person.displayName || `@${person.username}` : 'this member';
  return (
    <li className="member">
      <ProfileTrigger userId={member.userId}>
        <PersonName userId={member.userId} />
      </ProfileTrigger>
      {conversation.encrypted && !isMe && <VerifiedShield userId={member.userId} />}
      {myRole === 'owner' && !isMe ? (
        <span>
          <label htmlFor={id} className="visually-hidden">
            Role of {person ? `${person.displayName} @${person.username}` : 'this member'}
          </label>
          <select
            id={id}
            value={member.role}
            onChange={(e) => void act(() => client.setRole(conversation.id, member.userId, e.target.value as Role))}
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
            <option value="owner">Owner</option>
          </select>
        </span>
      ) : (
        <span className="role">{member.role === 'owner' ? 'Owner' : member.role === 'admin' ? 'Admin' : 'Member'}</span>
      )}
      {canRemove && (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove
        </button>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Remove ${name} from ${groupName(conversation)}?`}
          confirmLabel="Remove"
          busy={remove.busy}
          error={remove.error}
          onConfirm={() => void remove.run()}
          onCancel={() => setConfirming(false)}
        >
          <p>They will no longer see new messages here, and they can come back only if someone adds them again.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

function RenameForm({ conversation }: { conversation: ConversationSummary }) {
  const { client } = useApp();
  const [title, setTitle] = useState(conversation.title ?? '');
  const { run, busy, error } = useAction(async () => {
    await client.renameConversation(conversation.id, title.trim());
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <Field label="Group name" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      <button type="submit" disabled={busy || title.trim() === '' || title.trim() === conversation.title}>
        Rename
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

function LeaveButton({ conversation }: { conversation: ConversationSummary }) {
  const { client, me } = useApp();
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const { run, busy, error } = useAction(async () => {
    await client.removeMember(conversation.id, me.id);
    navigate('/');
  });
  // The server refuses an owner's leaving while others remain: say so before, not after.
  const ownerWithOthers = conversation.myRole === 'owner' && conversation.memberCount > 1;
  return (
    <>
      <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>
        Leave group
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Leave ${groupName(conversation)}?`}
          confirmLabel="Leave group"
          busy={busy}
          error={error}
          onConfirm={() => void run()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            You will no longer see new messages here, and you can come back only if a member adds you again.
            {ownerWithOthers && ' As its owner, make another member owner first.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

conversationPanels.push({ id: 'members', title: 'Members', component: MembersPanel });
conversationHeaderActions.push({
  id: 'members',
  label: 'Members',
  icon: Users,
  available: (c) => c.conversation.kind === 'group',
  run: (c) => c.openPanel('members'),
});
