/** Runs the CLI in process and captures what it prints. */
import { main } from '../../client/cli';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const capture =
    (into: string[]) =>
    (...a: unknown[]) =>
      void into.push(a.join(' '));
  const spies = [
    jest.spyOn(console, 'log').mockImplementation(capture(out)),
    jest.spyOn(console, 'error').mockImplementation(capture(err)),
    jest.spyOn(console, 'warn').mockImplementation(capture(err)),
  ];
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
