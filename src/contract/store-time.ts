// The store's time text: ClickHouse DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'. One place
// converts to and from it, for ingest, the pipeline, migrations and every detector. Both run for
// every event in several places, so the common shape takes a path without Date.parse or regexes;
// anything else goes the general way, which decides what is valid.

export function msToStoreTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  // 'YYYY-MM-DDThh:mm:ss.sssZ' for years 0 to 9999; ±YYYYYY-… beyond
  if (iso.length === 24) return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  return iso.replace("T", " ").replace("Z", "");
}

export function storeTimeToMs(text: string): number {
  if (text.length === 23 && text.charCodeAt(10) === 32) {
    const fast = parseStoreTime(text);
    if (fast !== undefined) return fast;
  }
  return Date.parse(`${text.replace(" ", "T")}Z`);
}

/** 'YYYY-MM-DD hh:mm:ss.sss' with valid fields (years from 100), else undefined. */
function parseStoreTime(text: string): number | undefined {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const milli = digits(text, 20, 3);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46) return undefined;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || milli < 0) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number of `length` ASCII digits at `start`; -1 when one is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
