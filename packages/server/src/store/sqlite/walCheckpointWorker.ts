// The WAL checkpointer's thread (walCheckpointer.ts): on its own connection, copies what the WAL
// holds into the database file every few hundred milliseconds, and waits for the disk there.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('walCheckpointWorker must run in a worker thread');
const { file, everyMs } = workerData as { file: string; everyMs: number };

const db = new Database(file, { fileMustExist: true });
// The writer's setting: a checkpoint syncs the WAL before it copies and the file after.
db.pragma('synchronous = NORMAL');

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for (or blocks) the writer.
    db.pragma('wal_checkpoint(PASSIVE)');
    port.postMessage({});
  } catch (error) {
    port.postMessage({ error: (error as Error).message });
  }
}, everyMs);

port.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  port.close();
});
