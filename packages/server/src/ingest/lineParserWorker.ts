// The line parser's thread (lineParser.ts): parses the chunks it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { parseChunk } from './parseChunk.js';

const port = parentPort;
if (!port) throw new Error('lineParserWorker must run in a worker thread');
port.on('message', (request: { id: number; parts: ArrayBuffer[]; offset: number; lineNo: number; file: { agentId: string | null }; tail: boolean }) => {
  try {
    const parsed = parseChunk(Buffer.concat(request.parts.map((part) => Buffer.from(part))), request.offset, request.lineNo, request.file, request.tail);
    port.postMessage({ id: request.id, parsed });
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message });
  }
});
