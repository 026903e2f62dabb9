// Builds a large Claude history from the bundled fixtures: the corpus copied N times with every
// id renamed (uuids, msg_, req_, toolu_, agent ids, file names), so no copy dedups against another.
import fs from 'node:fs';
import path from 'node:path';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PREFIXED = /\b(msg_|req_|toolu_|srvtoolu_)([A-Za-z0-9]+)/g;
const AGENT = /(agent-|"agentId":")(a?[0-9a-f]{6,17}|acompact-[0-9a-f]{6})/g;

export function renameIds(text, copy) {
  const tag = copy.toString(16).padStart(4, '0');
  return text
    .replace(UUID, (u) => `${u.slice(0, 24)}${tag}${u.slice(28)}`)
    .replace(PREFIXED, (_, prefix, id) => `${prefix}${id}x${tag}`)
    .replace(AGENT, (_, prefix, id) => `${prefix}${id}x${tag}`);
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Writes `copies` renamed copies of `<sourceHome>/projects` into `<targetHome>/projects`. */
export function buildCorpus(sourceHome, targetHome, copies) {
  const root = path.join(sourceHome, 'projects');
  const files = walk(root).filter((f) => f.endsWith('.jsonl'));
  let bytes = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (const file of files) {
      const rel = path.relative(root, file).split(path.sep);
      rel[0] = `${rel[0]}-copy${copy}`;
      const target = path.join(targetHome, 'projects', ...rel.map((part) => renameIds(part, copy)));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const text = renameIds(fs.readFileSync(file, 'utf8'), copy);
      fs.writeFileSync(target, text);
      bytes += Buffer.byteLength(text);
    }
  }
  return { files: files.length * copies, bytes };
}
