import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { unsetEmptyVariables, UsageError } from '../config/config.js';
import { demoCommand } from './demoCommand.js';
import { serveCommand } from './serveCommand.js';
import { shipCommand } from './shipCommand.js';

// Each option reads its environment variable through commander's .env(): the flag wins, the
// variable stands in for it, and both go through the same validator. The actions are replaced,
// so nothing is served: only what the parser hands an action is checked.
const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

async function optionsOf(command: Command, argv: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  Object.assign(process.env, env);
  unsetEmptyVariables(process.env); // as main.ts does before parsing
  let seen: Record<string, unknown> = {};
  command.exitOverride().action((options: Record<string, unknown>) => {
    seen = options;
  });
  await command.parseAsync(argv, { from: 'user' });
  return seen;
}

describe('command options and their environment variables', () => {
  it('serve: a variable stands in for its flag, the flag wins, and the default stays', async () => {
    expect(await optionsOf(serveCommand(), [])).toMatchObject({ host: '127.0.0.1', port: 4280 });
    const fromEnv = await optionsOf(serveCommand(), [], {
      CLAUDELENS_HOST: '0.0.0.0',
      CLAUDELENS_PORT: '4521',
      CLAUDELENS_ALLOWED_HOSTS: 'Team.example.com, box:4280,',
      CLAUDELENS_MAX_DB_SIZE: '512MiB',
      CLAUDELENS_INGEST_BODY_LIMIT: '1k',
      CLAUDELENS_MAX_LIVE_SESSIONS: '7',
      CLAUDELENS_REDIS_URL: 'redis://127.0.0.1:6379',
      CLAUDELENS_NODE_ID: 'n1',
      CLAUDELENS_LOG_FORMAT: 'json',
      CLAUDELENS_CONFIG: '/etc/claudelens.json',
      CLAUDELENS_DATA_DIR: '/tmp/cl-data',
      CLAUDELENS_DATABASE_URL: 'postgres://u@h/db',
    });
    expect(fromEnv).toMatchObject({
      host: '0.0.0.0',
      port: 4521,
      allowedHost: ['team.example.com', 'box'],
      maxDbSize: 512 * 1024 * 1024,
      ingestBodyLimit: 1024,
      maxLiveSessions: 7,
      redisUrl: 'redis://127.0.0.1:6379',
      nodeId: 'n1',
      logFormat: 'json',
      config: '/etc/claudelens.json',
      dataDir: '/tmp/cl-data',
      databaseUrl: 'postgres://u@h/db',
    });
    expect(await optionsOf(serveCommand(), ['--port', '4522', '--allowed-host', 'a.example'], { CLAUDELENS_PORT: '4521', CLAUDELENS_ALLOWED_HOSTS: 'b.example' })).toMatchObject({
      port: 4522,
      allowedHost: ['a.example'],
    });
  });

  it('serve: an empty variable is unset, a bad one is refused in the words of its flag', async () => {
    const options = await optionsOf(serveCommand(), [], { CLAUDELENS_MAX_DB_SIZE: '', CLAUDELENS_INGEST_BODY_LIMIT: ' ', CLAUDELENS_MAX_LIVE_SESSIONS: '' });
    expect(options.maxDbSize).toBeUndefined();
    expect(options.ingestBodyLimit).toBeUndefined();
    expect(options.maxLiveSessions).toBeUndefined();
    await expect(optionsOf(serveCommand(), [], { CLAUDELENS_MAX_LIVE_SESSIONS: 'abc' })).rejects.toThrow(new UsageError('--max-live-sessions must be a whole number 1 or more, got "abc"'));
    await expect(optionsOf(serveCommand(), [], { CLAUDELENS_PORT: '70000' })).rejects.toThrow('--port must be a whole number from 0 to 65535, got "70000"');
    await expect(optionsOf(serveCommand(), ['--lease-ttl', '0'])).rejects.toThrow('--lease-ttl must be a number of seconds above 0, got "0"');
  });

  it('demo and ship read their variables the same way', async () => {
    expect(await optionsOf(demoCommand(), [], { CLAUDELENS_PORT: '4523', CLAUDELENS_TOKEN: 't0k3n' })).toMatchObject({ port: 4523, token: 't0k3n', speed: 10, sessions: 8 });
    expect(await optionsOf(shipCommand(), [], { CLAUDELENS_SERVER: 'http://team:4280', CLAUDELENS_DATA_DIR: '/tmp/cl-ship' })).toMatchObject({
      server: 'http://team:4280',
      dataDir: '/tmp/cl-ship',
      retryMax: 30,
    });
    await expect(optionsOf(shipCommand(), ['--retry-max', 'soon'])).rejects.toThrow('--retry-max must be a number of seconds above 0, got "soon"');
  });
});
