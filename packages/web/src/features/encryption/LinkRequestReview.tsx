import type { PendingDeviceLink } from '@confab/client';
import { useCallback } from 'react';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from '../account/Notice.js';

/**
 * One link request to answer, the same in Settings and in the prompt (issue 39 part 4): the code
 * to compare with the one the new device shows (the verification step: a key the server swapped
 * shows other digits), then Approve (my identity key goes sealed to it) or Decline.
 */
export function LinkRequestReview({
  request,
  onAnswered,
}: {
  request: PendingDeviceLink;
  onAnswered: (request: PendingDeviceLink, approved: boolean) => void;
}) {
  const { client } = useSignedIn();
  const answer = useAction(
    useCallback(
      async (approve: boolean) => {
        await (approve ? client.deviceLinks.approve(request.id) : client.deviceLinks.decline(request.id));
        onAnswered(request, approve);
      },
      [client, request, onAnswered],
    ),
  );
  return (
    <>
      <p>
        <strong>{request.deviceName}</strong> asks to read your encrypted conversations. Its code: <strong>{request.code}</strong>. Approve
        only if the new device shows the same code.
      </p>
      <div className="link-request-actions">
        <button type="button" disabled={answer.busy} onClick={() => void answer.run(true)}>
          Approve {request.deviceName}
        </button>
        <button type="button" disabled={answer.busy} onClick={() => void answer.run(false)}>
          Decline {request.deviceName}
        </button>
      </div>
      <FormOutcome error={answer.error} done={null} />
    </>
  );
}
