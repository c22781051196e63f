// SendMessageBatch takes at most 10 entries, each id unique in its request ("SendMessageBatch",
// Amazon SQS API Reference, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
import * as fc from 'fast-check';
import { SEND_BATCH_ENTRIES, sendBatches } from '../../src/control-plane/send-batches';

test('messages go in order, as JSON, in requests of at most 10 entries with ids unique across them', () => {
  expect(SEND_BATCH_ENTRIES).toBe(10);
  expect(sendBatches([])).toEqual([]);
  expect(sendBatches([{ tenantIds: ['a'] }])).toEqual([[{ Id: '0', MessageBody: '{"tenantIds":["a"]}' }]]);
  fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 45 }), messages => {
    const batches = sendBatches(messages);
    const sizes = Array.from({ length: Math.ceil(messages.length / 10) }, (_, i) => Math.min(10, messages.length - 10 * i));
    expect(batches.map(b => b.length)).toEqual(sizes);
    expect(batches.flat().map(e => JSON.parse(e.MessageBody))).toEqual(messages);
    expect(batches.flat().map(e => e.Id)).toEqual(messages.map((_, i) => String(i)));
  }));
});
