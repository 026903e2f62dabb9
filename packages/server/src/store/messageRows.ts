import { isSet, type Flag } from './flag.js';
import type { StoredMessage } from './repository.js';

/** A stored line joined with its source file, as both drivers select it (`m.*, s.claude_dir, s.rel_path`). */
export interface MessageRow {
  id: number;
  uuid: string;
  parent_uuid: string | null;
  agent_id: string;
  line_type: string;
  author: string | null;
  timestamp: string | null;
  preview: string;
  tool_names: string | null;
  is_sidechain: Flag;
  is_meta: Flag;
  model: string | null;
  claude_dir: string;
  rel_path: string;
  byte_offset: number;
  byte_length: number;
}

/** The cursor is `<timestamp>|<id>`: the order both drivers page messages in. */
export function toStoredMessage(r: MessageRow): StoredMessage {
  return {
    cursor: `${r.timestamp ?? ''}|${r.id}`,
    uuid: r.uuid,
    parentUuid: r.parent_uuid,
    agentId: r.agent_id,
    lineType: r.line_type,
    author: r.author,
    timestamp: r.timestamp,
    preview: r.preview,
    toolNames: r.tool_names ? r.tool_names.split(',') : [],
    isSidechain: isSet(r.is_sidechain),
    isMeta: isSet(r.is_meta),
    model: r.model,
    location: { claudeDir: r.claude_dir, relPath: r.rel_path, byteOffset: r.byte_offset, byteLength: r.byte_length },
  };
}
