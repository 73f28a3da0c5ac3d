/** Assist (issue 40): people's switches and dismissals, message reports, held messages and the spam model. */
export interface AssistTables {
  /** Each person's Assist switches (issue 40): a row once they change one; absent, all on. */
  assist_settings: {
    user_id: string;
    enabled: number;
    needs_reply: number;
    catch_up: number;
    reply_suggestions: number;
    updated_at: number;
  };
  /** "Needs reply" items a person dismissed (DELETE /api/v1/assist/needs-reply/:messageId). */
  assist_dismissals: {
    user_id: string;
    message_id: string;
    conversation_id: string;
    dismissed_at: number;
  };
  /** Reports of messages to the admins (POST /api/v1/messages/:id/report); `decision` once resolved. */
  assist_reports: {
    id: string;
    message_id: string;
    conversation_id: string;
    sender_id: string;
    reporter_id: string;
    reason: 'spam' | 'abuse' | 'other';
    note: string | null;
    /** An encrypted message's text as the reporter's device decrypted it (migration 0045). */
    shared_text: string | null;
    created_at: number;
    resolved_at: number | null;
    resolved_by: string | null;
    decision: 'spam' | 'not_spam' | 'dismiss' | null;
  };
  /** Messages held for review: the send's draft (JSON), delivered only when an admin releases it. */
  assist_held: {
    message_id: string;
    conversation_id: string;
    sender_id: string;
    client_id: string;
    draft: string;
    /** The spam score, in thousandths. */
    score: number;
    created_at: number;
  };
  /** The spam model: per feature, how many spam and how many ordinary messages had it. */
  assist_spam_features: {
    feature: string;
    spam: number;
    ham: number;
  };
}
