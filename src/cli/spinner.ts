/** A progress indicator on stderr; a no-op when it must stay quiet. */
export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const SILENT: Spinner = { update: () => undefined, stop: () => undefined };

/** Starts an ora spinner on `stream` when `enabled`, else returns a spinner that does nothing. */
export async function startSpinner(
  text: string,
  stream: NodeJS.WriteStream,
  enabled: boolean,
): Promise<Spinner> {
  if (!enabled) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    stop: () => {
      spinner.stop();
    },
  };
}
