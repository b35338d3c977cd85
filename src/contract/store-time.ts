// The store's time text: ClickHouse DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'. One place
// converts to and from it, for ingest, the pipeline, migrations and every detector.

export function msToStoreTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

export function storeTimeToMs(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}
