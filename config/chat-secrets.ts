/**
 * The secrets of the plans' group robots, read where the plan says they are (an environment
 * variable or a file), never from the plan itself; and the check `rectify doctor` runs of every
 * reference a plan makes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { channelSecrets, directoryChannels, pathWords, refWords, type SecretRef } from '../domain/chat/platforms';
import type { Directory } from '../domain/plan/schema';

export class SecretRefError extends Error {
  override name = 'SecretRefError';
}

/** The secret a reference names; an error naming the reference when it cannot be read. */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env]?.trim();
    if (!value) throw new SecretRefError(`${refWords(ref)}：环境变量未设置`);
    return value;
  }
  let text: string;
  try {
    text = readFileSync(resolve(ref.file), 'utf8').trim();
  } catch (e) {
    throw new SecretRefError(`${refWords(ref)}：无法读取（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`, { cause: e });
  }
  if (!text) throw new SecretRefError(`${refWords(ref)}：文件是空的`);
  return text;
}

/** The references that cannot be read here, each with where it is in the plan and why. */
export function unreadableSecrets(d: Directory, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const { owner, path, channel } of directoryChannels(d))
    for (const { field, ref } of channelSecrets(channel)) {
      try {
        readSecret(ref, env);
      } catch (e) {
        problems.push(`${pathWords([...path, field])}（${owner}）：${(e as Error).message}`);
      }
    }
  return problems;
}
