/**
 * docker-compose.yml, checked where Docker cannot run: valid under the Compose specification's
 * JSON schema (test/deploy/compose-spec.json, from compose-spec/compose-spec schema/compose-spec.json
 * at 170098b, Apache-2.0), and in step with the code: the namespace job creates exactly the
 * search attributes rectify defines, the images are those of the official PostgreSQL setup
 * (server and admin-tools at one version), long-running services restart, the worker waits for
 * the mail catcher and the namespace, plan files are mounted rather than baked in.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { searchAttributeFlags } from '../../contracts/search-attributes';
import { renderDynamicConfig } from '../../runtime/cluster/config';
import { DEFAULT_SHARDS } from '../../runtime/cluster/server';
import { TEMPORAL_SERVER } from '../../runtime/cluster/versions';

const ROOT = join(__dirname, '..', '..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      restart?: string;
      depends_on?: Record<string, { condition: string }>;
      environment?: Record<string, string>;
      volumes?: string[];
      command?: string[];
    }
  >;
};

describe('docker-compose.yml', () => {
  it('is valid under the Compose specification', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
    // The schema names draft-07 by its https address; Ajv knows it by http.
    delete schema.$schema;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    // As Compose reads it: YAML merge keys (<<) resolved.
    const ok = validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema can fail: a wrong depends_on condition is refused.
    const broken = parse(composeText, { merge: true }) as typeof compose;
    broken.services.worker.depends_on!.mailpit.condition = 'service_ready';
    expect(validate(broken)).toBe(false);
  });

  it('sets up Temporal as the official PostgreSQL compose does: server and admin-tools at one version, no auto-setup', () => {
    const images = Object.values(compose.services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.some((i) => i.includes('auto-setup'))).toBe(false);
    const server = compose.services.temporal.image!.split(':')[1];
    expect(compose.services['temporal-schema'].image).toBe(`temporalio/admin-tools:${server}`);
    expect(compose.services['temporal-namespace'].image).toBe(`temporalio/admin-tools:${server}`);
    // The version `rectify cluster` builds, pinned once (runtime/cluster/versions.ts).
    expect(server).toBe(TEMPORAL_SERVER.version);
    expect(compose.services.temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    for (const name of ['worker', 'web'])
      expect(compose.services[name].depends_on!['temporal-namespace']).toEqual({ condition: 'service_completed_successfully' });
    expect(compose.services.worker.depends_on!.mailpit).toBeDefined();
    expect(compose.services['temporal-ui'].environment).not.toHaveProperty('TEMPORAL_CORS_ORIGINS');
  });

  it('creates every search attribute rectify defines, with its type, and the retention the embedded server keeps', () => {
    const script = readFileSync(join(ROOT, 'deploy', 'temporal', 'create-namespace.sh'), 'utf8');
    const listed = /^ATTRIBUTES="([^"]+)"$/m.exec(script)![1].split(' ');
    expect(Object.fromEntries(listed.map((a) => a.split('=')))).toEqual(searchAttributeFlags());
    expect(script).not.toContain('|| true');
    expect(compose.services['temporal-namespace'].environment!.RETENTION).toBe('30d');
  });

  it('restarts long-running services, mounts plan files, and keeps the link secret out of the file', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const oneShot = name === 'temporal-schema' || name === 'temporal-namespace';
      expect([name, oneShot ? service.restart?.startsWith('on-failure') : service.restart]).toEqual([
        name,
        oneShot ? true : 'unless-stopped',
      ]);
    }
    expect(compose.services.worker.volumes).toContain('./config/plans:/app/plans:ro');
    expect(compose.services.worker.environment!.RECTIFY_PLANS).toMatch(/^\/app\/plans\//);
    expect(compose.services.worker.environment!.RECTIFY_LINK_SECRET).toMatch(/^\$\{RECTIFY_LINK_SECRET:\?/);
  });

  it('runs Temporal as `rectify cluster` does: the same shard count and dynamic config', () => {
    const env = compose.services.temporal.environment!;
    expect(env.NUM_HISTORY_SHARDS).toBe(String(DEFAULT_SHARDS));
    expect(env.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/rectify.yaml');
    expect(compose.services.temporal.volumes).toContain('./deploy/temporal/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
    // The committed file is the production rendering (no search-attribute refresh on every read).
    expect(readFileSync(join(ROOT, 'deploy/temporal/dynamicconfig/rectify.yaml'), 'utf8')).toBe(
      renderDynamicConfig({ refreshSearchAttributesOnRead: false }),
    );
  });
});
