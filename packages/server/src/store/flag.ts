/** A yes/no column as a driver returns it: SQLite has no booleans and stores 0 or 1. */
export type Flag = boolean | number;

export function isSet(flag: Flag): boolean {
  return flag === true || flag === 1;
}
