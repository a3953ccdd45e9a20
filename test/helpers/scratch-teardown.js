/** Removes the run's scratch directory (test/helpers/scratch.js). */
module.exports = require('./scratch').teardown;
