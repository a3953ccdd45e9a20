/**
 * The production Temporal Server rectify runs on, pinned once: the Go module `rectify cluster`
 * builds (its server, its temporal-sql-tool, its schema and configuration template) and the images
 * docker-compose.yml runs (test/deploy/compose.test.ts holds the file to this version).
 */
export const TEMPORAL_SERVER = {
  module: 'go.temporal.io/server',
  version: '1.32.2',
  /** v1.32 needs Go ≥ 1.26.10; this toolchain comes from the Go module proxy by GOTOOLCHAIN. */
  goToolchain: 'go1.27.3',
} as const;
