// Queue messages as SendMessageBatch requests: at most 10 entries a request, each with an id
// unique in it ("SendMessageBatch", Amazon SQS API Reference,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
// Pure: shared by the CLI's `sync` and the reconciler's drift sweep, which queue pages.

/** Entries per SendMessageBatch request. */
export const SEND_BATCH_ENTRIES = 10;

/** One SendMessageBatch entry. */
export interface SendBatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
}

/** The messages, as JSON, in requests of SEND_BATCH_ENTRIES in their order; an entry's id is its message's position. */
export function sendBatches(messages: readonly unknown[]): SendBatchEntry[][] {
  const batches: SendBatchEntry[][] = [];
  for (let i = 0; i < messages.length; i += SEND_BATCH_ENTRIES) {
    batches.push(messages.slice(i, i + SEND_BATCH_ENTRIES).map((m, n) => ({ Id: String(i + n), MessageBody: JSON.stringify(m) })));
  }
  return batches;
}
