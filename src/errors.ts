// The closed set of errors hotline-sensor raises, each saying whether retrying can help.
// One function, `decide`, turns an error into what the pipeline does next.

export type ErrorCode =
  | "CONFIG_INVALID" // configuration rejected at start: fix the named variable
  | "STORE_UNAVAILABLE" // ClickHouse unreachable or timing out: pause and retry
  | "STORE_REJECTED" // ClickHouse refused the request itself (bad SQL, unknown table, access denied): a bug or a setup error, stop
  | "STORE_REFUSED_DATA" // ClickHouse refused values of the rows (cannot parse or convert them): those rows are dead letters, the rest goes in
  | "MIGRATION_FAILED" // a migration could not be applied: stop, fix the schema
  | "SOURCE_UNAVAILABLE" // Kafka or the input file cannot be read: retry or stop
  | "DEAD_LETTER_UNAVAILABLE" // the dead-letter topic refused a message: retry
  | "SHUTDOWN"; // the worker is closing; nothing to do

const retriable: Readonly<Record<ErrorCode, boolean>> = {
  CONFIG_INVALID: false,
  STORE_UNAVAILABLE: true,
  STORE_REJECTED: false,
  STORE_REFUSED_DATA: false,
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

/**
 * ClickHouse error codes that mean "the values are wrong": the engine could not parse or convert
 * what a row holds. Retrying the same rows cannot help; the same request without them can. 25 is
 * what a lone surrogate in a string causes (probed: contract/text.ts); 27, 41, 72 and 130 are what
 * a value of the wrong shape causes in a JSONEachRow insert (probed; test/store/contract.test.ts
 * keeps 25, 41 and 72), 469 a row failing a CHECK constraint (test/pipeline/refusals.test.ts).
 */
const DATA_REFUSED_STORE_CODES: ReadonlySet<number> = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  346, // CANNOT_CONVERT_CHARSET
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  376, // CANNOT_PARSE_UUID
  407, // DECIMAL_OVERFLOW
  441, // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
  467, // CANNOT_PARSE_BOOL
  469, // VIOLATED_CONSTRAINT: a row fails a CHECK constraint of its table
  563, // CANNOT_READ_MAP_FROM_TEXT
  632, // UNEXPECTED_DATA_AFTER_PARSED_VALUE
  675, // CANNOT_PARSE_IPV4
  676, // CANNOT_PARSE_IPV6
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/**
 * ClickHouse error codes that mean "the request itself is wrong" (its SQL, its target, its
 * rights): retrying cannot help, and neither can leaving rows out. Every other code, and no code
 * at all (network, timeouts, memory limit, too many parts, a server shutting down), means the
 * store is away or busy: pause and retry.
 */
const REQUEST_REJECTED_STORE_CODES: ReadonlySet<number> = new Set([
  16, // NO_SUCH_COLUMN_IN_TABLE
  36, // BAD_ARGUMENTS
  42, // NUMBER_OF_ARGUMENTS_DOESNT_MATCH
  43, // ILLEGAL_TYPE_OF_ARGUMENT
  44, // ILLEGAL_COLUMN
  46, // UNKNOWN_FUNCTION
  47, // UNKNOWN_IDENTIFIER
  48, // NOT_IMPLEMENTED
  53, // TYPE_MISMATCH: a column's type is not what the SQL expects
  57, // TABLE_ALREADY_EXISTS
  60, // UNKNOWN_TABLE
  62, // SYNTAX_ERROR
  80, // INCORRECT_QUERY
  81, // UNKNOWN_DATABASE
  115, // UNKNOWN_SETTING
  164, // READONLY
  184, // ILLEGAL_AGGREGATION
  192, // UNKNOWN_USER
  193, // WRONG_PASSWORD
  215, // NOT_AN_AGGREGATE
  291, // DATABASE_ACCESS_DENIED
  452, // SETTING_CONSTRAINT_VIOLATION
  456, // UNKNOWN_QUERY_PARAMETER
  457, // BAD_QUERY_PARAMETER
  497, // ACCESS_DENIED
  516, // AUTHENTICATION_FAILED
]);

/** The three answers a store error can be: the data is wrong, the request is wrong, or the store is away. */
export type StoreErrorClass = "data" | "request" | "away";

export function storeErrorClass(storeCode: number | undefined): StoreErrorClass {
  if (storeCode === undefined) return "away";
  if (DATA_REFUSED_STORE_CODES.has(storeCode)) return "data";
  if (REQUEST_REJECTED_STORE_CODES.has(storeCode)) return "request";
  return "away";
}

const CODE_OF_CLASS: Readonly<Record<StoreErrorClass, ErrorCode>> = { data: "STORE_REFUSED_DATA", request: "STORE_REJECTED", away: "STORE_UNAVAILABLE" };

/** Classifies a ClickHouse error by its numeric code (storeErrorClass). */
export function storeError(message: string, storeCode: number | undefined, storeType: string | undefined, cause?: unknown): SensorError {
  const options: { cause?: unknown; storeCode?: number; storeType?: string } = { cause };
  if (storeCode !== undefined) options.storeCode = storeCode;
  if (storeType !== undefined) options.storeType = storeType;
  return new SensorError(CODE_OF_CLASS[storeErrorClass(storeCode)], message, options);
}

/** True when the store refused the rows' values: leaving the refused rows out lets the rest in. */
export function isDataRefusal(error: unknown): error is SensorError {
  return error instanceof SensorError && error.code === "STORE_REFUSED_DATA";
}

export type Decision = "retry" | "stop";

/**
 * What the pipeline does with an error raised while writing a batch. Data errors never get here:
 * they are dead letters, at the door or, for rows the store refuses, in the writer (refusals.ts);
 * a STORE_REFUSED_DATA that still gets here (a query, derived rows) stops, as a bug.
 */
export function decide(error: unknown): Decision {
  if (error instanceof SensorError) return error.retriable ? "retry" : "stop";
  return "stop";
}
