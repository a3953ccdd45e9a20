import { retryDelayMs, StoppedWaiting, untilReachable } from '../../runtime/wait-for-server';

describe('waiting for the Temporal server (a worker or the web started first)', () => {
  it('pauses 1, 2, 4, 8 s, then 15 s between tries', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('tries again until the server answers, saying each time what it waits for', async () => {
    const lines: string[] = [];
    const listening = process.listenerCount('SIGTERM');
    let tries = 0;
    const value = await untilReachable(
      'Temporal 127.0.0.1:7233',
      async () => {
        tries += 1;
        if (tries < 3) throw new Error('tcp connect error: Connection refused (os error 111)\nmore');
        return 'connected';
      },
      (line) => lines.push(line),
      { delayMs: () => 1 },
    );
    expect(value).toBe('connected');
    expect(lines).toEqual([
      'Temporal 127.0.0.1:7233尚不可用（第1次尝试：tcp connect error: Connection refused (os error 111)），0.001秒后重试',
      'Temporal 127.0.0.1:7233尚不可用（第2次尝试：tcp connect error: Connection refused (os error 111)），0.001秒后重试',
    ]);
    expect(process.listenerCount('SIGTERM')).toBe(listening);
  });

  it('stops waiting on a stop signal, and leaves no listener behind', async () => {
    const before = process.listenerCount('SIGUSR2');
    const waiting = untilReachable(
      'Temporal 127.0.0.1:7233',
      () => Promise.reject(new Error('Connection refused')),
      () => undefined,
      { signals: ['SIGUSR2'], delayMs: () => 60_000 },
    );
    await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGUSR2');
    await expect(waiting).rejects.toThrow(StoppedWaiting);
    await expect(waiting).rejects.toThrow('等待Temporal 127.0.0.1:7233时收到停止信号，未启动');
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('stops on a signal that came while a try was under way, even when that try succeeds', async () => {
    const waiting = untilReachable(
      'Temporal 127.0.0.1:7233',
      () => new Promise<string>((r) => setTimeout(() => r('connected'), 50)),
      () => undefined,
      { signals: ['SIGUSR2'] },
    );
    await new Promise((r) => setTimeout(r, 10));
    process.emit('SIGUSR2');
    await expect(waiting).rejects.toThrow(StoppedWaiting);
  });
});
