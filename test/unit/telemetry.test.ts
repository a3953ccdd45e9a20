/** Log lines name what they are about; operators' settings are checked with clear errors. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadSettings } from '../../config/settings';
import { aboutWorkflow, SdkLogger } from '../../runtime/telemetry';

describe('logs', () => {
  it('reads the plan and measure from every kind of workflow id', () => {
    expect(aboutWorkflow('measure:liangxi-2023:12.3')).toEqual({ planId: 'liangxi-2023', measureId: '12.3' });
    expect(aboutWorkflow('lookback:liangxi-2023:12.3:2')).toEqual({ planId: 'liangxi-2023', measureId: '12.3' });
    expect(aboutWorkflow('digest:liangxi-2023:2026-12-01T01:00:00.000Z:fgw@district.example.org')).toEqual({ planId: 'liangxi-2023' });
    expect(aboutWorkflow('plan:liangxi-2023')).toEqual({ planId: 'liangxi-2023' });
    expect(aboutWorkflow(undefined)).toEqual({});
    expect(aboutWorkflow('something-else')).toEqual({});
  });

  it("writes the SDK's log calls as JSON lines with the workflow, plan and measure", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) });
    const logger = new SdkLogger(pino({ level: 'info', base: undefined }, sink));
    logger.warn('通知发送失败', { workflowId: 'measure:p1:3.2', activityType: 'deliverNotice' });
    logger.debug('below the level');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 40,
        msg: '通知发送失败',
        workflowId: 'measure:p1:3.2',
        planId: 'p1',
        measureId: '3.2',
        activityType: 'deliverNotice',
      }),
    ]);
  });

  it('refuses a wrong level, format or address, naming the variable', () => {
    expect(() => loadSettings({ RECTIFY_LOG_LEVEL: 'loud' })).toThrow('RECTIFY_LOG_LEVEL 无效：loud');
    expect(() => loadSettings({ RECTIFY_LOG_FORMAT: 'xml' })).toThrow('RECTIFY_LOG_FORMAT 无效：xml');
    expect(() => loadSettings({ RECTIFY_METRICS_ADDRESS: 'localhost' })).toThrow('RECTIFY_METRICS_ADDRESS 无效：localhost');
    expect(() => loadSettings({ RECTIFY_HEALTH_ADDRESS: ':70000' })).toThrow('RECTIFY_HEALTH_ADDRESS 无效');
    expect(loadSettings({ RECTIFY_METRICS_ADDRESS: ':9464', RECTIFY_LOG_LEVEL: 'warn', RECTIFY_LOG_FORMAT: 'JSON' }).ops).toMatchObject({
      metricsAddress: '0.0.0.0:9464',
      logLevel: 'WARN',
      logFormat: 'json',
    });
  });
});
