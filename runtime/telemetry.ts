/**
 * What a process tells its operators: structured logs (pino: one JSON object per line, or
 * readable lines on a terminal) carrying the plan, measure and workflow id of what they are
 * about, wired in as the Temporal SDK's Runtime logger (workflow and activity logs, and the
 * SDK's own core logs forwarded); and, for a worker, the SDK's Prometheus exporter, which also
 * serves the engine's own metrics (activities/metrics.ts).
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import { DateTime } from 'luxon';
import pino from 'pino';
import type { Settings } from '../config/settings';
import { aboutWorkflowId } from '../contracts/ids';

/** Log times in the deployment's zone, as operators read them beside the mail. */
const ZONE = 'Asia/Shanghai';

export type AppLogger = pino.Logger;

/** The process's logger: `service` names it in every line (worker, web, dev). */
export function createLogger(settings: Pick<Settings, 'ops'>, service: string): AppLogger {
  const level = settings.ops.logLevel.toLowerCase();
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: () => `,"time":"${DateTime.now().setZone(ZONE).toISO()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (settings.ops.logFormat === 'pretty')
    return pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service', singleLine: true } } });
  return pino(options);
}

/** The plan and measure a workflow id names (contracts/ids.ts), for every log line that has one. */
export function aboutWorkflow(workflowId: unknown): { planId?: string; measureId?: string } {
  return typeof workflowId === 'string' ? aboutWorkflowId(workflowId) : {};
}

/** The SDK's logger interface over pino: each line with the plan, measure and workflow it is about. */
export class SdkLogger implements Logger {
  constructor(private readonly logger: AppLogger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const { workflowId } = meta as { workflowId?: unknown };
    const fields = { ...meta, ...aboutWorkflow(workflowId) };
    switch (level) {
      case 'TRACE':
        return this.logger.trace(fields, message);
      case 'DEBUG':
        return this.logger.debug(fields, message);
      case 'INFO':
        return this.logger.info(fields, message);
      case 'WARN':
        return this.logger.warn(fields, message);
      default:
        return this.logger.error(fields, message);
    }
  }
  trace = (message: string, meta?: LogMetadata) => this.log('TRACE', message, meta);
  debug = (message: string, meta?: LogMetadata) => this.log('DEBUG', message, meta);
  info = (message: string, meta?: LogMetadata) => this.log('INFO', message, meta);
  warn = (message: string, meta?: LogMetadata) => this.log('WARN', message, meta);
  error = (message: string, meta?: LogMetadata) => this.log('ERROR', message, meta);
}

/**
 * Installs the SDK's Runtime for this process (once, before any worker or native connection):
 * logs through pino, the SDK's core logs forwarded at WARN and above, and the Prometheus
 * exporter when RECTIFY_METRICS_ADDRESS is set.
 */
export function installRuntime(settings: Pick<Settings, 'ops'>, service: string): AppLogger {
  const logger = createLogger(settings, service);
  Runtime.install({
    logger: new SdkLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
      ...(settings.ops.metricsAddress
        ? // The SDK's metrics keep their temporal_ prefix (Temporal's dashboards expect it); the engine's are rectify_*.
          { metrics: { prometheus: { bindAddress: settings.ops.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
  });
  return logger;
}

/** For tests and tools that want the SDK quiet. */
export function installQuietRuntime(): void {
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
