// The WAL checkpointer's thread (walCheckpointer.ts): on its own connection, copies what the WAL
// holds into the database file every few hundred milliseconds, and waits for the disk there.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('walCheckpointWorker must run in a worker thread');
const { file, everyMs, restartAboveFrames } = workerData as { file: string; everyMs: number; restartAboveFrames: number };

// No busy wait: a checkpoint that would wait for the writer gives up at once instead.
const db = new Database(file, { fileMustExist: true, timeout: 0 });
// The writer's setting: a checkpoint syncs the WAL before it copies and the file after.
db.pragma('synchronous = NORMAL');

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for (or blocks) the writer.
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    // Under steady commits the writer never starts a transaction with the whole WAL copied, so it
    // never starts the WAL over and the file grows without end. A long one, copied, is taken back
    // to the start (RESTART) in a pause between the writer's commits, if there is one right now:
    // the writer waits meanwhile, for the frames committed since the PASSIVE and a sync of the file.
    let restarted = false;
    if (passive && passive.log >= restartAboveFrames && passive.checkpointed === passive.log) {
      const [restart] = db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
      restarted = restart?.busy === 0;
    }
    port.postMessage({ restarted });
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
