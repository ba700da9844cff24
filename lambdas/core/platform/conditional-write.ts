import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Store } from './store';

/**
 * Sends one conditional write: true when it was written, false when its condition failed (the item
 * was not as expected, which the caller's rule decides about). Any other error — a throttle, a
 * timeout — propagates: it says nothing about the item and must never read as "condition failed".
 */
export async function writeIf(store: Store, command: UpdateCommand | PutCommand | DeleteCommand): Promise<boolean> {
  try {
    // The document client's send is overloaded per command class; the union needs one signature.
    await store.doc.send(command as UpdateCommand);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * `writeIf` for an UpdateItem whose caller needs what it wrote (`ReturnValues`): the returned
 * attributes when written (an empty object if none were asked for), undefined when the condition failed.
 */
export async function updateIf(store: Store, command: UpdateCommand): Promise<Record<string, unknown> | undefined> {
  try {
    const result = await store.doc.send(command);
    return result.Attributes ?? {};
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * `writeIf` for an UpdateItem whose caller, when refused, needs to know why: `{ written: true }`, or
 * `{ written: false, current }` with the item as it was, when the command asks for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`: no second request, no read capacity).
 */
export async function updateElseCurrent(
  store: Store,
  command: UpdateCommand,
): Promise<{ readonly written: true } | { readonly written: false; readonly current?: Record<string, unknown> }> {
  try {
    await store.doc.send(command);
    return { written: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return error.Item ? { written: false, current: unmarshall(error.Item) } : { written: false };
  }
}
