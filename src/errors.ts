// The closed set of errors hotline-sensor raises, each saying whether retrying can help.
// One function, `decide`, turns an error into what the pipeline does next.

export type ErrorCode =
  | "CONFIG_INVALID" // configuration rejected at start: fix the named variable
  | "STORE_UNAVAILABLE" // ClickHouse unreachable or timing out: pause and retry
  | "STORE_REJECTED" // ClickHouse refused the statement or data (bad SQL, type mismatch): a bug, stop
  | "MIGRATION_FAILED" // a migration could not be applied: stop, fix the schema
  | "SOURCE_UNAVAILABLE" // Kafka or the input file cannot be read: retry or stop
  | "DEAD_LETTER_UNAVAILABLE" // the dead-letter topic refused a message: retry
  | "SHUTDOWN"; // the worker is closing; nothing to do

const retriable: Readonly<Record<ErrorCode, boolean>> = {
  CONFIG_INVALID: false,
  STORE_UNAVAILABLE: true,
  STORE_REJECTED: false,
  MIGRATION_FAILED: false,
  SOURCE_UNAVAILABLE: true,
  DEAD_LETTER_UNAVAILABLE: true,
  SHUTDOWN: false,
};

export class SensorError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** ClickHouse's numeric error code and type name, when the store raised it. */
  readonly storeCode: number | undefined;
  readonly storeType: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; storeCode?: number; storeType?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SensorError";
    this.code = code;
    this.retriable = retriable[code];
    this.storeCode = options.storeCode;
    this.storeType = options.storeType;
  }
}

/** ClickHouse error codes that mean "the request itself is wrong": retrying cannot help. */
const NEVER_RETRY_STORE_CODES: ReadonlySet<number> = new Set([
  6, // CANNOT_PARSE_TEXT
  16, // NO_SUCH_COLUMN_IN_TABLE
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  41, // CANNOT_PARSE_DATETIME
  43, // ILLEGAL_TYPE_OF_ARGUMENT
  46, // UNKNOWN_FUNCTION
  47, // UNKNOWN_IDENTIFIER
  48, // NOT_IMPLEMENTED
  53, // TYPE_MISMATCH
  57, // TABLE_ALREADY_EXISTS
  60, // UNKNOWN_TABLE
  62, // SYNTAX_ERROR
  72, // CANNOT_PARSE_NUMBER
  81, // UNKNOWN_DATABASE
  117, // INCORRECT_DATA
  164, // READONLY
  184, // ILLEGAL_AGGREGATION
  215, // NOT_AN_AGGREGATE
  456, // UNKNOWN_QUERY_PARAMETER
  457, // BAD_QUERY_PARAMETER
  497, // ACCESS_DENIED
  516, // AUTHENTICATION_FAILED
]);

/** Classifies a ClickHouse error by its numeric code: rejected (never retry) or unavailable. */
export function storeError(message: string, storeCode: number | undefined, storeType: string | undefined, cause?: unknown): SensorError {
  const code: ErrorCode = storeCode !== undefined && NEVER_RETRY_STORE_CODES.has(storeCode) ? "STORE_REJECTED" : "STORE_UNAVAILABLE";
  const options: { cause?: unknown; storeCode?: number; storeType?: string } = { cause };
  if (storeCode !== undefined) options.storeCode = storeCode;
  if (storeType !== undefined) options.storeType = storeType;
  return new SensorError(code, message, options);
}

export type Decision = "retry" | "stop";

/** What the pipeline does with an error raised while writing a batch. Data errors never get here: they are dead letters. */
export function decide(error: unknown): Decision {
  if (error instanceof SensorError) return error.retriable ? "retry" : "stop";
  return "stop";
}
