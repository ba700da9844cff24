import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SentMessage } from '../../../contract/console-views';

/**
 * The simulated senders' outbox: every message they send, one JSON line each, in a folder the
 * configuration names (NOTIFICATION_OUTBOX_DIR). The local stack sets one and lists it at
 * `/_local/outbox`, so the whole journey can be tried without a mail server; on AWS it is unset
 * and messages are only logged. The same sender code either way: the sink is configuration.
 */

export type { SentMessage };

const FILE = 'outbox.jsonl';

/** One line per message; appends of a line this small are not interleaved by concurrent senders. */
export async function addToOutbox(dir: string, message: SentMessage): Promise<void> {
  await mkdir(dir, { recursive: true });
  await appendFile(join(dir, FILE), `${JSON.stringify(message)}\n`, 'utf8');
}

/** The messages in the outbox, newest first; none when nothing was sent yet. A damaged line is skipped. */
export async function readOutbox(dir: string): Promise<SentMessage[]> {
  const text = await readFile(join(dir, FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as SentMessage] : [];
      } catch {
        return [];
      }
    })
    .reverse();
}
