/**
 * The SDK's activity logger (it adds the workflow and activity to each line), with the measure
 * in the line's attributes; outside an activity (a test calling delivery directly) the console.
 */
import { Context } from '@temporalio/activity';

type Meta = Record<string, unknown>;

function logger(): {
  info(message: string, meta?: Meta): void;
  warn(message: string, meta?: Meta): void;
  error(message: string, meta?: Meta): void;
} {
  try {
    return Context.current().log;
  } catch {
    return {
      info: () => undefined,
      warn: (m, meta) => console.warn(`rectify: ${m}`, meta ?? ''),
      error: (m, meta) => console.error(`rectify: ${m}`, meta ?? ''),
    };
  }
}

export const log = {
  info: (message: string, meta?: Meta) => logger().info(message, meta),
  warn: (message: string, meta?: Meta) => logger().warn(message, meta),
  error: (message: string, meta?: Meta) => logger().error(message, meta),
};
