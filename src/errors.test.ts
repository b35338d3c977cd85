// Unit tests of the closed set of errors: the retriable flag of each code, ClickHouse error classification, and the retry-or-stop decision.
import { describe, expect, it } from "vitest";
import { decide, isDataRefusal, SensorError, storeError, storeErrorClass, type ErrorCode } from "./errors.js";

describe("SensorError", () => {
  it.each<[ErrorCode, boolean]>([
    ["CONFIG_INVALID", false],
    ["STORE_UNAVAILABLE", true],
    ["STORE_REJECTED", false],
    ["STORE_REFUSED_DATA", false],
    ["MIGRATION_FAILED", false],
    ["SOURCE_UNAVAILABLE", true],
    ["DEAD_LETTER_UNAVAILABLE", true],
    ["SHUTDOWN", false],
  ])("%s is retriable: %s", (code, retriable) => {
    const error = new SensorError(code, "what was expected and what to do");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SensorError");
    expect(error.code).toBe(code);
    expect(error.retriable).toBe(retriable);
    expect(error.message).toBe("what was expected and what to do");
    expect(error.storeCode).toBeUndefined();
  });

  it("keeps the cause only when one is given", () => {
    const cause = new Error("socket hang up");
    expect(new SensorError("STORE_UNAVAILABLE", "down", { cause }).cause).toBe(cause);
    expect("cause" in new SensorError("STORE_UNAVAILABLE", "down")).toBe(false);
  });
});

describe("storeError", () => {
  it.each([
    [25, "CANNOT_PARSE_ESCAPE_SEQUENCE"], // a lone surrogate in a string
    [6, "CANNOT_PARSE_TEXT"],
    [27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED"],
    [38, "CANNOT_PARSE_DATE"],
    [41, "CANNOT_PARSE_DATETIME"],
    [69, "ARGUMENT_OUT_OF_BOUND"],
    [72, "CANNOT_PARSE_NUMBER"],
    [117, "INCORRECT_DATA"],
    [130, "CANNOT_READ_ARRAY_FROM_TEXT"],
    [131, "TOO_LARGE_STRING_SIZE"],
    [321, "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE"],
    [469, "VIOLATED_CONSTRAINT"],
  ])("classifies code %i (%s) as STORE_REFUSED_DATA: the rows' values are wrong, the refused rows become dead letters", (code, type) => {
    const error = storeError(`Code: ${code}. DB::Exception`, code, type);
    expect(storeErrorClass(code)).toBe("data");
    expect(error.code).toBe("STORE_REFUSED_DATA");
    expect(error.retriable).toBe(false);
    expect(isDataRefusal(error)).toBe(true);
    expect(error.storeCode).toBe(code);
    expect(decide(error)).toBe("stop");
  });

  it.each([
    [60, "UNKNOWN_TABLE"],
    [62, "SYNTAX_ERROR"],
    [53, "TYPE_MISMATCH"],
    [16, "NO_SUCH_COLUMN_IN_TABLE"],
    [81, "UNKNOWN_DATABASE"],
    [164, "READONLY"],
    [497, "ACCESS_DENIED"],
    [516, "AUTHENTICATION_FAILED"],
    [46, "UNKNOWN_FUNCTION"],
    [47, "UNKNOWN_IDENTIFIER"],
    [291, "DATABASE_ACCESS_DENIED"],
  ])("classifies code %i (%s) as STORE_REJECTED: retrying cannot help", (code, type) => {
    const error = storeError(`Code: ${code}. DB::Exception`, code, type);
    expect(storeErrorClass(code)).toBe("request");
    expect(isDataRefusal(error)).toBe(false);
    expect(error.code).toBe("STORE_REJECTED");
    expect(error.retriable).toBe(false);
    expect(error.storeCode).toBe(code);
    expect(error.storeType).toBe(type);
    expect(decide(error)).toBe("stop");
  });

  it.each([
    [undefined, undefined], // no answer at all: connection refused, timeout
    [209, "SOCKET_TIMEOUT"],
    [159, "TIMEOUT_EXCEEDED"],
    [241, "MEMORY_LIMIT_EXCEEDED"],
    [202, "TOO_MANY_SIMULTANEOUS_QUERIES"],
    [252, "TOO_MANY_PARTS"],
    [396, "TOO_MANY_ROWS_OR_BYTES"],
    [210, "NETWORK_ERROR"],
    [999_999, "SOMETHING_NEW"],
  ])("classifies code %s (%s) as STORE_UNAVAILABLE: pause and retry", (code, type) => {
    const error = storeError("the store did not answer", code, type);
    expect(storeErrorClass(code)).toBe("away");
    expect(isDataRefusal(error)).toBe(false);
    expect(error.code).toBe("STORE_UNAVAILABLE");
    expect(error.retriable).toBe(true);
    expect(error.storeCode).toBe(code);
    expect(error.storeType).toBe(type);
    expect(decide(error)).toBe("retry");
  });

  it("keeps the message and the cause of the driver's error", () => {
    const cause = new Error("ECONNREFUSED");
    const error = storeError("cannot reach ClickHouse at http://clickhouse:8123", undefined, undefined, cause);
    expect(error).toBeInstanceOf(SensorError);
    expect(error.message).toBe("cannot reach ClickHouse at http://clickhouse:8123");
    expect(error.cause).toBe(cause);
  });
});

describe("decide", () => {
  it("retries retriable sensor errors and stops on the others", () => {
    expect(decide(new SensorError("STORE_UNAVAILABLE", "down"))).toBe("retry");
    expect(decide(new SensorError("DEAD_LETTER_UNAVAILABLE", "dlq down"))).toBe("retry");
    expect(decide(new SensorError("SOURCE_UNAVAILABLE", "broker down"))).toBe("retry");
    expect(decide(new SensorError("STORE_REJECTED", "bad SQL"))).toBe("stop");
    expect(decide(new SensorError("SHUTDOWN", "closing"))).toBe("stop");
  });

  it("stops on anything that is not a SensorError: an unknown failure is a bug, not an outage", () => {
    expect(decide(new Error("boom"))).toBe("stop");
    expect(decide(new TypeError("x is undefined"))).toBe("stop");
    expect(decide("a string")).toBe("stop");
    expect(decide(undefined)).toBe("stop");
    expect(decide({ code: "STORE_UNAVAILABLE", retriable: true })).toBe("stop");
  });
});
