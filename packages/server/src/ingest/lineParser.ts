import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { joined } from './chunks.js';
import { parseChunk, type ParsedChunk } from './parseChunk.js';
import type { ParseRequest } from './readSource.js';

/**
 * Chunks this large are parsed in a worker thread when read live: JSON.parse of a line of tens of
 * megabytes takes seconds, and skimming cannot shrink it; the event loop must never wait that
 * long (figures: docs/ingest.md, "Long lines").
 */
export const PARSE_ELSEWHERE_BYTES = 1024 * 1024;

const WORKER_URL = new URL('./lineParserWorker.js', import.meta.url);

interface Pending {
  resolve: (parsed: ParsedChunk) => void;
  reject: (error: Error) => void;
}

export interface LineParser {
  parse(request: ParseRequest): Promise<ParsedChunk>;
}

/**
 * One worker thread, started on the first large chunk, that parses chunks one after another
 * (the same parseChunk, so what is counted is exactly what a parse here would count); idle, it
 * does not keep the process alive. Without a built worker (tests running the TypeScript sources)
 * it parses in this thread.
 */
export function lineParser(): LineParser {
  let worker: Worker | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = null;
  };

  const start = (): Worker => {
    const started = new Worker(WORKER_URL);
    started.on('message', (reply: { id: number; parsed?: ParsedChunk; error?: string }) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (pending.size === 0) started.unref(); // an idle parser never keeps the process alive
      if (reply.parsed) p?.resolve(reply.parsed);
      else p?.reject(new Error(`line parser: ${reply.error ?? 'no result'}`));
    });
    started.on('error', fail);
    started.on('exit', (code) => fail(new Error(`line parser exited with code ${code}`)));
    return started;
  };

  return {
    async parse(request) {
      if (!fs.existsSync(WORKER_URL)) return parseChunk(joined(request.parts), request.offset, request.lineNo, request.file, request.tail);
      worker ??= start();
      worker.ref();
      const id = nextId++;
      // The parts' own memory moves to the worker (no copy of a long line in this thread); a
      // part that shares its memory (Node's small-buffer pool) is copied.
      const parts = request.parts.map((part) => (part.byteOffset === 0 && part.byteLength === part.buffer.byteLength ? part.buffer : part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength)) as ArrayBuffer);
      const result = new Promise<ParsedChunk>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, parts, offset: request.offset, lineNo: request.lineNo, file: request.file, tail: request.tail }, parts);
      return result;
    },
  };
}
