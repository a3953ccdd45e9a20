/**
 * Every test run starts with no installed holiday years: a developer's var/calendar must not
 * change what the tests see. Tests that install years point RECTIFY_CALENDAR_DIR elsewhere.
 */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

process.env.RECTIFY_CALENDAR_DIR = mkdtempSync(join(tmpdir(), 'rectify-calendar-'));
