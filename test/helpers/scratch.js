/**
 * One scratch directory per test run: every temporary directory the tests, servers and CLI
 * processes make (os.tmpdir() reads TMPDIR) goes under it, and it is removed when the run ends.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-tests-'));
  process.env.RECTIFY_TEST_SCRATCH = dir;
  process.env.TMPDIR = dir;
};

module.exports.teardown = async function teardown() {
  const dir = process.env.RECTIFY_TEST_SCRATCH;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
