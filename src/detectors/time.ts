// Conversions between the store's DateTime64 text ('YYYY-MM-DD hh:mm:ss.sss', UTC) and epoch ms,
// shared by every detector adapter.

export function storeTimeToMs(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}Z`);
}

export function msToStoreTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}
