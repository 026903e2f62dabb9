import fs from 'node:fs';
import path from 'node:path';

/**
 * Appends to transcript files under a `projects/` folder the way Claude Code does: whole lines,
 * one write each batch. Files stay open (least recently written closed past `maxOpen`): the load
 * benchmark writes thousands of lines a second to thousands of files.
 */
export class TranscriptWriter {
  private readonly open = new Map<string, number>();

  constructor(
    readonly projectsDir: string,
    private readonly maxOpen = 4096,
  ) {}

  /** Appends `text` (whole lines, each ending in "\n") to the file at `relPath`. */
  append(relPath: string, text: string): void {
    let fd = this.open.get(relPath);
    if (fd === undefined) {
      const file = path.join(this.projectsDir, ...relPath.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fd = fs.openSync(file, 'a');
      if (this.open.size >= this.maxOpen) this.closeOldest();
    } else this.open.delete(relPath); // re-inserted below: the map's order is the recency order
    this.open.set(relPath, fd);
    fs.writeSync(fd, text);
  }

  close(): void {
    for (const fd of this.open.values()) fs.closeSync(fd);
    this.open.clear();
  }

  private closeOldest(): void {
    const [oldest] = this.open;
    if (!oldest) return;
    this.open.delete(oldest[0]);
    fs.closeSync(oldest[1]);
  }
}
