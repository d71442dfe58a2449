/**
 * `record[key]` for the record's own keys only. Catalog maps are keyed by user-chosen names, and a
 * name such as `constructor` must not find `Object.prototype.constructor`.
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
