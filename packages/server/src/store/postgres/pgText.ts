/** Text as PostgreSQL can hold it: a NUL character, valid in a JSON string, is not allowed in `text`. */
export function pgText<T extends string | null>(value: T): T {
  return (value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
}
