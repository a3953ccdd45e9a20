/** `--name value` options of a benchmark, numbers only; a wrong one is an error that names it. */
export function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} ${argv[i + 1] ?? ''}：应为正整数`);
  return value;
}

/** `--sizes 2000,5000,20000`. */
export function sizes(argv: string[], fallback: number[]): number[] {
  const i = argv.indexOf('--sizes');
  if (i < 0) return fallback;
  const values = (argv[i + 1] ?? '').split(',').map(Number);
  if (!values.length || values.some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`--sizes ${argv[i + 1] ?? ''}：应为逗号分隔的正整数`);
  return values;
}

/** `--name value`, as written; undefined when absent, an error when the value is missing. */
export function textOption(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`--${name}：缺少取值`);
  return value;
}

/** Takes `--flag` (or `--flag value`) out of argv: true, the value, or undefined when absent. */
export function takeOption(argv: string[], name: string, withValue: boolean): string | true | undefined {
  const value = withValue ? textOption(argv, name) : argv.includes(`--${name}`) || undefined;
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) argv.splice(i, withValue ? 2 : 1);
  return value;
}
