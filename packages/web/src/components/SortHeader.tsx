import type { SortState } from '../lib/sort';

interface SortHeaderProps<K extends string> {
  label: string;
  column: K;
  sort: SortState<K>;
  onSort: (column: K) => void;
  numeric?: boolean;
}

/** A column header that sorts its table; `aria-sort` tells screen readers which way. */
export function SortHeader<K extends string>({ label, column, sort, onSort, numeric }: SortHeaderProps<K>) {
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'} className={numeric ? 'num' : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}
