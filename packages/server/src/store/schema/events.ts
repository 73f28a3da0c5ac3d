/** The event log every client resumes from (store/event-log.ts): its head and its events. */
export interface EventTables {
  stream_head: {
    id: number;
    epoch: string;
    pos: number;
    floor: number;
  };
  events: {
    pos: number;
    conversation_id: string;
    subject_user_id: string | null;
    created_at: number;
    /** The protocol event as JSON, its `pos`, `prev` and `cursor` included. */
    payload: string;
    /** The message the event carries (message.created, .updated, .deleted), else null: what erasing a body looks up. */
    message_id: string | null;
  };
}
