import { createRedactor } from './redact.js';

/** A redactor that learns secrets as a run resolves them (tokens fetched, secrets minted with). */
export interface SecretKeeper {
  redact: (text: string) => string;
  add: (secret: string | undefined) => void;
}

/** Creates a keeper that masks `initial` and every secret added later. */
export function createSecretKeeper(initial: readonly (string | undefined)[]): SecretKeeper {
  const secrets = new Set<string>();
  let redact = createRedactor([]);
  const add = (secret: string | undefined): void => {
    if (!secret || secrets.has(secret)) return;
    secrets.add(secret);
    redact = createRedactor([...secrets]);
  };
  initial.forEach(add);
  return { redact: (text) => redact(text), add };
}
