import { readdir, readFile, readlink } from 'node:fs/promises';

const TCP_LISTEN_STATE = '0A';

/**
 * Whether process `pid` holds the socket that listens on TCP `port`, read from Linux's /proc.
 *
 * A server answering on a freshly chosen port is not necessarily ours: another process may have
 * taken the port between our check and our server's bind. `undefined` when /proc cannot tell
 * (not Linux, no permission, another network namespace); callers then trust the answer they got.
 */
export async function ownsListeningPort(pid: number, port: number): Promise<boolean | undefined> {
  const inodes = await listeningSocketInodes(port);
  if (inodes === undefined || inodes.size === 0) return undefined;
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6), or undefined without /proc. */
async function listeningSocketInodes(port: number): Promise<Set<string> | undefined> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => undefined)),
  );
  if (tables.every((table) => table === undefined)) return undefined;
  const portSuffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of tables) {
    // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    for (const line of table?.split('\n').slice(1) ?? []) {
      const [, localAddress, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === TCP_LISTEN_STATE && localAddress?.endsWith(portSuffix) && inode) inodes.add(inode);
    }
  }
  return inodes;
}
