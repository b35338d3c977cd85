// Secrets given as files (`<NAME>_FILE`, as Docker and Kubernetes mount them): read once at start,
// refused when missing or empty, and checked for permissions others than the owner can read.
import { readFileSync, statSync } from "node:fs";

/** Variables whose value is a secret: they may also be given as `<NAME>_FILE`, and are never printed. */
export const SECRET_VARIABLES = ["HOTLINE_CALLER_HASH_KEY", "HOTLINE_CALLER_HASH_KEY_PREVIOUS", "KAFKA_SASL_PASSWORD", "CLICKHOUSE_PASSWORD", "HOTLINE_API_TOKENS"] as const;

/** A secret file that others than its owner can read: logged at start (README, "Configuration"). */
export interface SecretFileWarning {
  readonly variable: string;
  readonly file: string;
  /** The permission bits, e.g. "0644". */
  readonly mode: string;
}

/**
 * Reads `*_FILE` variants of secrets into their plain names. A missing or empty file is a
 * configuration error; a file that group or others can read is a warning, or an error when
 * HOTLINE_SECRET_FILES_STRICT is on (`strict`). Resolves the secrets read, by plain name.
 */
export function readSecretFiles(env: Readonly<Record<string, string | undefined>>, strict: boolean, problems: string[], warnings: SecretFileWarning[]): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const name of SECRET_VARIABLES) {
    const variable = `${name}_FILE`;
    const file = env[variable];
    if (file === undefined || file === "") continue;
    if (env[name] !== undefined) problems.push(`${name} and ${variable} are both set: keep one`);
    let content: string;
    let mode: number;
    try {
      content = readFileSync(file, "utf8").trim();
      mode = statSync(file).mode & 0o777;
    } catch (error) {
      problems.push(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    // An empty file is a deployment mistake (a secret not mounted yet), never a request for a default.
    if (content === "") problems.push(`${variable}: ${file} is empty: write the secret into it, or unset ${variable}`);
    else resolved[name] = content;
    if ((mode & 0o077) !== 0) {
      const warning = { variable, file, mode: `0${mode.toString(8)}` };
      if (strict) problems.push(`${variable}: ${file} can be read by group or others (mode ${warning.mode}): run chmod 600 ${file} (HOTLINE_SECRET_FILES_STRICT is on)`);
      else warnings.push(warning);
    }
  }
  return resolved;
}
