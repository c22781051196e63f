// How long the reconciler's queue keeps a page, and what follows from it. SQS keeps a message at
// most 1,209,600 seconds, 14 days, counted from when it was first sent, however often it is handed
// back ("Amazon SQS quotas", Amazon SQS Developer Guide,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limits.html).
// An import longer than that (about 11 days of CloudFront's rate per 1,000,000 tenants) loses the
// pages still waiting: `sync` queues again the tenants the reconciler never passed whose page is
// that old. Pure: shared by the control plane's construct and the CLI.

/** The queue's (and the dead-letter queue's) retention: SQS's maximum. */
export const PAGE_RETENTION_SECONDS = 1_209_600;

/** The store attribute holding when a tenant was last queued (milliseconds since the epoch). */
export const QUEUED_AT = 'queuedAt';

/** Whether a page queued at `queuedAt` is past the queue's retention at `now` (unknown: not known to be). */
export function pageExpired(queuedAt: number | undefined, now: number): boolean {
  return queuedAt !== undefined && now - queuedAt >= PAGE_RETENTION_SECONDS * 1000;
}
