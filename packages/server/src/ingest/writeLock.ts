/**
 * A mutex shared by backfill worker threads over a SharedArrayBuffer. SQLite lets one writer in
 * at a time and makes the others sleep and retry; with this lock a worker that finds the store
 * busy keeps parsing instead, and one that must wait is woken the moment the lock is free.
 */
export class WriteLock {
  private readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer;
  }

  tryAcquire(): boolean {
    return Atomics.compareExchange(this.cell, 0, 0, 1) === 0;
  }

  acquire(): void {
    while (!this.tryAcquire()) Atomics.wait(this.cell, 0, 1);
  }

  release(): void {
    Atomics.store(this.cell, 0, 0);
    Atomics.notify(this.cell, 0, 1);
  }
}
