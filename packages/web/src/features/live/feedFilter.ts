import type { RecentActivity } from '@claudelens/protocol';

export interface FeedFilter {
  project: string;
  session: string;
  type: string;
  tool: string;
}

export const NO_FILTER: FeedFilter = { project: '', session: '', type: '', tool: '' };

/** The items that pass every set field ('' passes all); the same array when nothing is set. */
export function filterFeed(items: RecentActivity[], filter: FeedFilter): RecentActivity[] {
  if (!filter.project && !filter.session && !filter.type && !filter.tool) return items;
  return items.filter(
    (item) =>
      (!filter.project || item.project === filter.project) &&
      (!filter.session || item.session_id === filter.session) &&
      (!filter.type || item.type === filter.type) &&
      (!filter.tool || item.tool === filter.tool),
  );
}

/** The values seen in the feed, sorted, for the filter menus. */
export function feedFilterOptions(items: RecentActivity[]): { projects: string[]; sessions: string[]; types: string[]; tools: string[] } {
  const projects = new Set<string>();
  const sessions = new Set<string>();
  const types = new Set<string>();
  const tools = new Set<string>();
  for (const item of items) {
    if (item.project) projects.add(item.project);
    if (item.session_id) sessions.add(item.session_id);
    types.add(item.type);
    if (item.tool) tools.add(item.tool);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { projects: sorted(projects), sessions: sorted(sessions), types: sorted(types), tools: sorted(tools) };
}
